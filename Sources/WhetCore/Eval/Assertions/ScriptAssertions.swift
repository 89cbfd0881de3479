import Foundation

/// promptfoo's `python` and `javascript` assertions: an inline expression (one line), an inline function
/// body (several lines, ending in `return`), or `file://path.py:function` / `file://path.js:function`. The
/// code runs in a subprocess of the system's `python3` or `node`, with a time limit, and gets `output` and
/// `context` (vars, query, retrieved chunks, latency, cost) as promptfoo passes them. It may return a
/// boolean, a score from 0 to 1, or a grading result `{pass, score, reason}`. A missing interpreter makes
/// the assertion "not run" (never a pass); an exception fails it with the script's own message.
enum ScriptAssertions {
    /// Which interpreter runs the code.
    enum Language: String {
        case python, javascript

        var executable: String { self == .python ? "python3" : "node" }
        var fileExtension: String { self == .python ? "py" : "js" }
    }

    /// How long one script may run.
    static let timeout: Double = 10

    static func evaluate(_ language: Language, value: JSONValue?, threshold: Double?, context: AssertionContext)
        async throws -> AssertionResult
    {
        guard let code = value?.stringValue, !code.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty else {
            throw AssertionEvaluator.CannotRun(
                description: "\(language.rawValue) needs code or file://PATH:FUNCTION as its value")
        }
        guard let interpreter = ChildProcess.find(language.executable) else {
            throw AssertionEvaluator.CannotRun(description: "not run: \(language.executable) not found on PATH")
        }
        let request = try scriptRequest(language, code: code, context: context)
        let input = try JSONSerialization.data(withJSONObject: request, options: [])
        let driver = language == .python ? pythonDriver : javascriptDriver
        let arguments = language == .python ? ["-c", driver] : ["-e", driver]
        let (status, stdout, stderr, timedOut) = try await run(interpreter, arguments, input: input)
        return grade(language, status: status, stdout: stdout, stderr: stderr, timedOut: timedOut, threshold: threshold)
    }

    /// What the driver reads: the output, the context, and the code or the file and function.
    static func scriptRequest(_ language: Language, code: String, context: AssertionContext) throws -> [String: Any] {
        var request: [String: Any] = [
            "output": context.output,
            "context": [
                "vars": context.variables, "query": context.query, "chunks": context.chunks.map(\.text),
                "latency_ms": context.latencyMs as Any, "cost_usd": context.costUSD as Any,
            ],
        ]
        if code.hasPrefix("file://") {
            let reference = String(code.dropFirst(7))
            var path = reference
            var function = language == .python ? "get_assert" : ""
            if let colon = reference.lastIndex(of: ":"), !reference[reference.index(after: colon)...].contains("/") {
                path = String(reference[..<colon])
                function = String(reference[reference.index(after: colon)...])
            }
            if !path.hasPrefix("/") { path = (context.workspaceRoot as NSString).appendingPathComponent(path) }
            guard FileManager.default.fileExists(atPath: path) else {
                throw AssertionEvaluator.CannotRun(description: "the script file \(path) does not exist")
            }
            request["file"] = path
            request["function"] = function
        } else {
            request["code"] = code
        }
        return request
    }

    static func grade(
        _ language: Language, status: Int32, stdout: Data, stderr: Data, timedOut: Bool, threshold: Double?
    ) -> AssertionResult {
        if timedOut {
            return AssertionResult(
                type: language.rawValue, status: .failed, score: 0,
                reason: "the script ran longer than \(Int(timeout)) s and was stopped")
        }
        guard status == 0, let object = (try? JSONSerialization.jsonObject(with: stdout)) as? [String: Any] else {
            let message =
                String(decoding: stderr, as: UTF8.self).split(separator: "\n").last(where: { !$0.isEmpty }).map(
                    String.init)
                ?? "exit status \(status)"
            return AssertionResult(
                type: language.rawValue, status: .failed, score: 0, reason: "the script failed: \(message)")
        }
        let score = (object["score"] as? Double) ?? ((object["pass"] as? Bool) == true ? 1 : 0)
        var passed = (object["pass"] as? Bool) ?? (score > 0)
        if let threshold { passed = score >= threshold }
        let reason =
            (object["reason"] as? String) ?? (passed ? "the script returned a pass" : "the script returned a fail")
        return AssertionResult(
            type: language.rawValue, status: passed ? .passed : .failed, score: max(0, min(1, score)), reason: reason)
    }

    /// promptfoo's `transform`: code that turns the output into what the assertions see (JavaScript, or
    /// Python when it is a `file://….py` reference). Throws `CannotRun` when the interpreter is missing and an
    /// error with the script's message when it fails.
    static func transform(_ code: String, context: AssertionContext) async throws -> String {
        let language: Language =
            code.hasPrefix("file://") && code.dropFirst(7).split(separator: ":").first?.hasSuffix(".py") == true
            ? .python : .javascript
        guard let interpreter = ChildProcess.find(language.executable) else {
            throw AssertionEvaluator.CannotRun(
                description: "transform not applied: \(language.executable) not found on PATH")
        }
        var request = try scriptRequest(language, code: code, context: context)
        request["mode"] = "transform"
        let input = try JSONSerialization.data(withJSONObject: request, options: [])
        let arguments = language == .python ? ["-c", pythonDriver] : ["-e", javascriptDriver]
        let (status, stdout, stderr, timedOut) = try await run(interpreter, arguments, input: input)
        guard !timedOut, status == 0, let object = (try? JSONSerialization.jsonObject(with: stdout)) as? [String: Any],
            let value = object["value"] as? String
        else {
            let message =
                String(decoding: stderr, as: UTF8.self).split(separator: "\n").last(where: { !$0.isEmpty }).map(
                    String.init)
                ?? (timedOut ? "it ran longer than \(Int(timeout)) s" : "exit status \(status)")
            throw AssertionEvaluator.CannotRun(description: "transform failed: \(message)")
        }
        return value
    }

    /// Runs a subprocess with `input` on stdin, off the caller's thread; stops it after `timeout`.
    static func run(_ executable: String, _ arguments: [String], input: Data) async throws -> (Int32, Data, Data, Bool)
    {
        try await withCheckedThrowingContinuation { continuation in
            DispatchQueue.global().async {
                do {
                    let outcome = try ChildProcess.run(executable, arguments, input: input, timeout: timeout)
                    continuation.resume(returning: (outcome.status, outcome.stdout, outcome.stderr, outcome.timedOut))
                } catch {
                    continuation.resume(throwing: error)
                }
            }
        }
    }

    /// Reads the request from stdin, runs the code, prints the normalised result as JSON.
    static let pythonDriver = #"""
        import json, sys, importlib.util
        request = json.load(sys.stdin)
        output, context = request["output"], request["context"]
        if "file" in request:
            spec = importlib.util.spec_from_file_location("whet_assertion", request["file"])
            module = importlib.util.module_from_spec(spec)
            spec.loader.exec_module(module)
            result = getattr(module, request["function"] or "get_assert")(output, context)
        else:
            code = request["code"].strip("\n")
            if "\n" not in code and not code.lstrip().startswith("return"):
                result = eval(code, {}, {"output": output, "context": context})
            else:
                body = "\n".join("    " + line for line in code.split("\n"))
                scope = {}
                exec("def whet_assertion(output, context):\n" + body, scope)
                result = scope["whet_assertion"](output, context)
        if request.get("mode") == "transform":
            print(json.dumps({"value": result if isinstance(result, str) else json.dumps(result)}))
            sys.exit(0)
        if isinstance(result, bool):
            result = {"pass": result, "score": 1.0 if result else 0.0}
        elif isinstance(result, (int, float)):
            result = {"pass": result > 0, "score": float(result)}
        elif isinstance(result, dict):
            result = {"pass": bool(result.get("pass", result.get("pass_", False))), "score": float(result.get("score", 1.0 if result.get("pass") else 0.0)), "reason": result.get("reason")}
        else:
            raise TypeError("the assertion returned %s; expected a bool, a number or {pass, score, reason}" % type(result).__name__)
        if result.get("reason") is None: result.pop("reason", None)
        print(json.dumps(result))
        """#

    static let javascriptDriver = #"""
        let input = "";
        process.stdin.on("data", (chunk) => { input += chunk; });
        process.stdin.on("end", () => { try { main(); } catch (error) { console.error(String(error && error.message || error)); process.exit(1); } });
        function main() {
          const request = JSON.parse(input);
          const output = request.output, context = request.context;
          let result;
          if (request.file) {
            const module = require(request.file);
            const fn = request.function ? module[request.function] : (typeof module === "function" ? module : module.default);
            result = fn(output, context);
          } else {
            const code = request.code.trim();
            const body = code.includes("\n") || code.startsWith("return") ? code : "return (" + code + ");";
            result = new Function("output", "context", body)(output, context);
          }
          Promise.resolve(result).then((value) => {
            if (request.mode === "transform") {
              process.stdout.write(JSON.stringify({ value: typeof value === "string" ? value : JSON.stringify(value) }));
              return;
            }
            if (typeof value === "boolean") value = { pass: value, score: value ? 1 : 0 };
            else if (typeof value === "number") value = { pass: value > 0, score: value };
            else if (value && typeof value === "object") value = { pass: !!value.pass, score: value.score ?? (value.pass ? 1 : 0), reason: value.reason };
            else throw new TypeError("the assertion returned " + typeof value + "; expected a boolean, a number or {pass, score, reason}");
            process.stdout.write(JSON.stringify(value));
          }).catch((error) => { console.error(String(error && error.message || error)); process.exit(1); });
        }
        """#
}
