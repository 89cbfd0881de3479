import Foundation
import WhetTestSupport
import XCTest

@testable import WhetCore

/// `[retrieval] kind = "http"` and `"command"`: a real HTTP server on loopback and real programs, their
/// answers turned into chunks with citations, and every way an answer can be wrong named precisely.
final class ExternalRetrieverTests: XCTestCase {
    static func config(_ retrieval: String) -> String {
        """
        name = "test"
        default_prompt = "answer"

        [backends.offline]
        kind = "offline"

        [retrieval]
        top_k = 3
        \(retrieval)
        """
    }

    func retriever(_ retrieval: String, files: [String: String] = [:]) throws -> (WorkspaceRetriever, TestWorkspace) {
        let workspace = try TestWorkspace(config: Self.config(retrieval), files: files)
        let opened = try workspace.open()
        let retriever = try WorkspaceRetriever(
            workspace: opened, lexical: try LexicalIndex(url: nil), dense: nil,
            options: RetrievalOptions(opened.config.retrieval))
        return (retriever, workspace)
    }

    func testHTTPRetrieverIsSentTheQueryAndItsChunksAreCited() async throws {
        let server = try TestModelServer { _ in
            TestModelServer.json(
                """
                {"chunks": [
                  {"text": "Rotate an API key from the settings page.", "source": "kb/keys.md", "score": 7.5,
                   "lines": [10, 14], "heading": ["Security", "Keys"]},
                  {"text": "Keys expire after a year.", "source": "manual.pdf", "page": 3, "lines": "2-4"},
                  {"text": "Third", "source": "kb/other.md"},
                  {"text": "Fourth", "source": "kb/more.md"}
                ]}
                """)
        }
        defer { server.stop() }
        let (retriever, _) = try retriever("kind = \"http\"\nurl = \"\(server.baseURL)/search\"")
        XCTAssertEqual(retriever.method, "http")
        XCTAssertTrue(retriever.needsModels)
        let outcome = try await retriever.retrieve("rotate keys", topK: 3)
        XCTAssertEqual(outcome.chunks.count, 3, "cut to top_k")
        XCTAssertEqual(outcome.chunks.map(\.rank), [1, 2, 3])
        XCTAssertEqual(outcome.chunks[0].citedLocation, "kb/keys.md:10-14")
        XCTAssertEqual(outcome.chunks[0].headingPath, ["Security", "Keys"])
        XCTAssertEqual(outcome.chunks[0].score, 7.5)
        XCTAssertTrue(outcome.chunks[0].matchedTerms.contains("rotate"), "\(outcome.chunks[0].matchedTerms)")
        XCTAssertEqual(outcome.chunks[1].citedLocation, "manual.pdf p. 3:2-4")
        XCTAssertEqual(outcome.chunks[2].citedLocation, "kb/other.md", "no lines: the source alone")
        let sent = try XCTUnwrap(server.requests.first)
        XCTAssertEqual(sent.method, "POST")
        XCTAssertEqual(sent.path, "/search")
        let body = try JSONSerialization.jsonObject(with: Data(sent.body.utf8)) as? [String: Any]
        XCTAssertEqual(body?["query"] as? String, "rotate keys")
        XCTAssertEqual(body?["top_k"] as? Int, 3)
    }

    func testHTTPFailuresAreOneLineNamingTheRetriever() async throws {
        let answers: [String: [TestModelServer.Step]] = [
            "/down": [.head(503, []), .chunk("maintenance"), .end],
            "/html": TestModelServer.json("<html>oops</html>"),
            "/nosource": TestModelServer.json("[{\"text\": \"a\"}, {\"text\": \"b\", \"source\": 3}]"),
            "/badlines": TestModelServer.json("[{\"text\": \"a\", \"source\": \"s\", \"lines\": [9, 2]}]"),
            "/slow": [.pause(milliseconds: 3_000), .head(200, []), .chunk("[]"), .end],
        ]
        let server = try TestModelServer { request in answers[request.path] ?? TestModelServer.json("[]") }
        defer { server.stop() }
        let expected = [
            "/down": "answered HTTP 503: 'maintenance'",
            "/html": "the answer is not JSON",
            "/nosource": "chunk 1: \"source\" must be a non-empty string, found nothing",
            "/badlines": "chunk 1: \"lines\" must be [start, end]",
            "/slow": "no answer within 1 s",
        ]
        for (path, message) in expected {
            let (retriever, _) = try retriever("kind = \"http\"\nurl = \"\(server.baseURL)\(path)\"\ntimeout = 1")
            do {
                _ = try await retriever.retrieve("q", topK: 3)
                XCTFail("\(path) should fail")
            } catch let error as RetrievalError {
                XCTAssertTrue(error.description.hasPrefix("error: retriever \(server.baseURL)\(path): "), "\(error)")
                XCTAssertTrue(error.description.contains(message), "\(path): \(error)")
                XCTAssertFalse(error.description.contains("\n"), "\(error)")
            }
        }
        let (unreachable, _) = try retriever("kind = \"http\"\nurl = \"http://127.0.0.1:9/none\"\ntimeout = 2")
        do {
            _ = try await unreachable.retrieve("q", topK: 3)
            XCTFail("nothing listens on port 9")
        } catch let error as RetrievalError {
            XCTAssertTrue(error.description.contains("cannot reach it"), "\(error)")
        }
    }

    func testCommandRetrieverReadsTheQueryOnStdinAndWritesJSONLines() async throws {
        let script = """
            #!/bin/sh
            read -r query
            printf '{"text": "You asked: %s", "source": "kb/echo.md", "lines": 1, "score": %s}\\n\\n' "$query" "$WHET_TOP_K"
            printf '{"text": "second", "source": "kb/two.md"}\\n'
            """
        let (retriever, workspace) = try self.retriever(
            "kind = \"command\"\ncommand = \"sh tools/retrieve.sh\"", files: ["tools/retrieve.sh": script])
        withExtendedLifetime(workspace) {}
        XCTAssertEqual(retriever.method, "command")
        let outcome = try await retriever.retrieve("Wie setze ich das Passwort zurück?", topK: 4)
        XCTAssertEqual(outcome.chunks.count, 2)
        XCTAssertEqual(outcome.chunks[0].text, "You asked: Wie setze ich das Passwort zurück?")
        XCTAssertEqual(outcome.chunks[0].score, 4, "WHET_TOP_K reached the program")
        XCTAssertEqual(outcome.chunks[0].citedLocation, "kb/echo.md:1-1")
        XCTAssertEqual(outcome.chunks[1].rank, 2)
    }

    func testCommandFailuresNameTheLineOrTheExit() async throws {
        let cases: [(String, String)] = [
            ("echo 'no such index' >&2; exit 3", "exited with status 3: no such index"),
            ("printf '{\"text\":\"a\",\"source\":\"s\"}\\nnot json\\n'", "output line 2: expected a JSON object"),
            ("echo '[1, 2]'", "output line 1: expected an object with \"text\" and \"source\", found a list"),
            ("echo '{\"text\":\"a\",\"source\":\"s\",\"page\":\"two\"}'", "\"page\" must be a page number"),
            ("sleep 5", "no answer within 1 s"),
            ("exit 0", ""),
        ]
        for (command, message) in cases {
            let escaped = command.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(
                of: "\"", with: "\\\"")
            let (retriever, workspace) = try retriever("kind = \"command\"\ncommand = \"\(escaped)\"\ntimeout = 1")
            defer { withExtendedLifetime(workspace) {} }
            do {
                let outcome = try await retriever.retrieve("q", topK: 3)
                XCTAssertTrue(message.isEmpty, "\(command) should fail")
                XCTAssertEqual(outcome.chunks, [], "no output is no chunks")
            } catch let error as RetrievalError {
                XCTAssertFalse(message.isEmpty, "\(command): \(error)")
                XCTAssertTrue(error.description.contains(message), "\(command): \(error)")
            }
        }
    }

    func testConfigNeedsTheAddressOrTheCommand() throws {
        for (retrieval, expected) in [
            ("kind = \"http\"", "expected an http:// or https:// address for kind = \"http\", found nothing"),
            ("kind = \"http\"\nurl = \"localhost:8000\"", "found \"localhost:8000\""),
            ("kind = \"command\"\ncommand = \" \"", "expected the program to run for kind = \"command\""),
            ("kind = \"grpc\"", "expected one of \"builtin\", \"http\", \"command\""),
        ] {
            let workspace = try TestWorkspace(config: Self.config(retrieval))
            XCTAssertThrowsError(try workspace.open()) { error in
                XCTAssertTrue("\(error)".contains("whet.toml:"), "\(error)")
                XCTAssertTrue("\(error)".contains(expected), "\(retrieval): \(error)")
            }
        }
    }

    /// The sample in docs/examples answers in the format whet reads, both ways.
    func testTheDocumentedSampleRetrieverWorks() async throws {
        let sample = DemoWorkspace.packageRoot.appendingPathComponent("docs/examples/retriever.py")
        let (retriever, workspace) = try retriever(
            "kind = \"command\"\ncommand = \"python3 '\(sample.path)' corpus\"",
            files: ["corpus/keys.md": "# Keys\n\nRotate an API key from the settings page.\n\nUnrelated text.\n"])
        let outcome = try await retriever.retrieve("rotate key", topK: 3)
        XCTAssertEqual(outcome.chunks.map(\.citedLocation), ["corpus/keys.md:3-3"])
        XCTAssertEqual(outcome.chunks.first?.headingPath, ["Keys"])
        withExtendedLifetime(workspace) {}
    }
}
