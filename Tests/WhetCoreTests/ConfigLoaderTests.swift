import XCTest

@testable import WhetCore

final class ConfigLoaderTests: XCTestCase {
    func load(_ text: String) throws -> (WorkspaceConfig, [Warning]) {
        var loader = ConfigLoader(source: text)
        let config = try loader.load()
        return (config, loader.warnings)
    }

    func testFullConfigIsRead() throws {
        let (config, warnings) = try load(
            """
            name = "demo"
            default_prompt = "qa"
            default_backend = "local"
            [backends.local]
            kind = "offline"
            max_sentences = 2
            [retrieval]
            top_k = 7
            chunk_size = 500
            chunk_overlap = 100
            query_variable = "q"
            [ui]
            theme = "light"
            """)
        XCTAssertEqual(config.name, "demo")
        XCTAssertEqual(config.defaultPrompt, "qa")
        XCTAssertEqual(config.defaultBackend, "local")
        XCTAssertEqual(config.backends["local"]?.maxSentences, 2)
        XCTAssertEqual(config.retrieval.topK, 7)
        XCTAssertEqual(config.retrieval.chunkSize, 500)
        XCTAssertEqual(config.retrieval.queryVariable, "q")
        XCTAssertEqual(config.ui.theme, "light")
        XCTAssertEqual(warnings, [])
    }

    func testEvalGraderNamesABackend() throws {
        let (config, _) = try load("[backends.judge]\nkind = \"offline\"\n[evals]\ngrader = \"judge\"\n")
        XCTAssertEqual(config.evalGrader, "judge")
        XCTAssertThrowsError(try load("[evals]\ngrader = \"nope\"\n")) { error in
            XCTAssertTrue("\(error)".hasPrefix("whet.toml:2:"), "\(error)")
            XCTAssertTrue("\(error)".contains("found 'nope'"), "\(error)")
        }
    }

    func testEmptyConfigFallsBackToOfflineDefaults() throws {
        let (config, _) = try load("")
        XCTAssertEqual(config.defaultBackend, "offline")
        XCTAssertEqual(config.backends["offline"]?.kind, .offline)
        XCTAssertTrue(config.retrieval.enabled)
    }

    func testMalformedTOMLIsReportedWithLineAndColumn() {
        XCTAssertThrowsError(try load("name = \"x\"\n[retrieval\ntop_k = 3\n")) { error in
            guard case WorkspaceError.malformedConfig(let location, _) = error else { return XCTFail("\(error)") }
            XCTAssertEqual(location.file, "whet.toml")
            XCTAssertEqual(location.line, 2)
            XCTAssertTrue("\(error)".hasPrefix("whet.toml:2:"), "\(error)")
        }
    }

    func testWrongTypeNamesExpectedAndFoundAtTheKeysLine() {
        XCTAssertThrowsError(try load("name = \"x\"\n\n[retrieval]\ntop_k = \"five\"\n")) { error in
            XCTAssertEqual("\(error)", "whet.toml:4:1: error: expected a whole number > 0, found the string \"five\"")
        }
    }

    func testUnknownBackendKindIsAnError() {
        XCTAssertThrowsError(try load("[backends.gpt]\nkind = \"telepathy\"\n")) { error in
            XCTAssertTrue(
                "\(error)".contains(
                    "whet.toml:2:1: error: expected kind to be one of offline, openai, anthropic, found 'telepathy'"),
                "\(error)")
        }
    }

    func testDefaultBackendMustBeDefined() {
        XCTAssertThrowsError(try load("default_backend = \"nope\"\n[backends.offline]\nkind = \"offline\"\n")) {
            error in
            XCTAssertTrue("\(error)".contains("whet.toml:1:1"), "\(error)")
            XCTAssertTrue("\(error)".contains("found 'nope'"), "\(error)")
        }
    }

    func testOverlapMustBeSmallerThanChunkSize() {
        XCTAssertThrowsError(try load("[retrieval]\nchunk_size = 100\nchunk_overlap = 100\n"))
    }

    func testUnknownKeysAreWarnedAboutNotFatal() throws {
        let (_, warnings) = try load("name = \"x\"\ncolour = \"red\"\n[retrieval]\ntopk = 3\n")
        XCTAssertEqual(
            warnings.map(\.description),
            [
                "whet.toml:2:1: warning: unknown key 'colour' ignored",
                "whet.toml:4:1: warning: unknown key 'retrieval.topk' ignored",
            ])
    }

    func testUnknownBackendNameListsTheKnownOnes() throws {
        let (config, _) = try load("[backends.a]\nkind = \"offline\"\n[backends.b]\nkind = \"offline\"\n")
        XCTAssertThrowsError(try config.backend(named: "c")) { error in
            XCTAssertEqual("\(error)", "error: unknown backend 'c'; whet.toml defines: a, b")
        }
    }
}

final class HTTPBackendConfigTests: XCTestCase {
    func testHTTPBackendSettingsAreRead() throws {
        var loader = ConfigLoader(
            source: """
                [backends.gpt]
                kind = "openai"
                model = "gpt-4o-mini"
                api_key_env = "MY_KEY"
                first_byte_timeout = 30
                idle_timeout = 15.5
                max_retries = 0
                headers = { "X-Title" = "whet" }
                [backends.claude]
                kind = "anthropic"
                model = "claude-sonnet-4"
                [prices."gpt-4o-mini"]
                input = 0.15
                output = 0.6
                """)
        let config = try loader.load()
        let gpt = try config.backend(named: "gpt")
        XCTAssertEqual(gpt.http.baseURL, "https://api.openai.com/v1")
        XCTAssertEqual(gpt.http.apiKeyEnvironment, "MY_KEY")
        XCTAssertEqual(gpt.http.firstByteTimeout, 30)
        XCTAssertEqual(gpt.http.idleTimeout, 15.5)
        XCTAssertEqual(gpt.http.maxRetries, 0)
        XCTAssertEqual(gpt.http.headers, ["X-Title": "whet"])
        XCTAssertEqual(try config.backend(named: "claude").http.baseURL, "https://api.anthropic.com")
        XCTAssertEqual(config.prices["gpt-4o-mini"], ModelPrice(inputPerMillion: 0.15, outputPerMillion: 0.6))
        XCTAssertEqual(loader.warnings, [])
    }

    func testAKeyWrittenInTheConfigIsRefused() {
        var loader = ConfigLoader(source: "[backends.gpt]\nkind = \"openai\"\nmodel = \"m\"\napi_key = \"sk-123\"\n")
        XCTAssertThrowsError(try loader.load()) { error in
            XCTAssertTrue("\(error)".contains("whet.toml:4:1"), "\(error)")
            XCTAssertTrue("\(error)".contains("keys never go in the workspace"), "\(error)")
        }
    }

    func testHTTPBackendsNeedAModel() {
        var loader = ConfigLoader(source: "[backends.gpt]\nkind = \"openai\"\n")
        XCTAssertThrowsError(try loader.load()) { error in
            XCTAssertTrue("\(error)".contains("expected a 'model' key"), "\(error)")
        }
    }
}

/// Found by fuzzing: toml++ (inside TOMLKit) assumes a table header's name starts with a key character and
/// aborted whet on `[@limits]`. The scan before it turns that into a located error.
final class SafeTOMLTests: XCTestCase {
    func testATableNameThatCannotStartAKeyIsALocatedErrorNotACrash() throws {
        for (source, line, column, found) in [
            ("name = \"x\"\n[@limits]\n", 2, 2, "'@'"), ("a = 1\n  [[ ✓x]]\n", 2, 6, "'✓'"),
            ("a = 1\n[\n", 2, 2, "the end of the line"), ("\u{FEFF}[@x]\n", 1, 2, "'@'"),
        ] {
            var loader = ConfigLoader(source: source)
            XCTAssertThrowsError(try loader.load()) { error in
                XCTAssertEqual(
                    "\(error)",
                    "whet.toml:\(line):\(column): error: malformed TOML: expected a table name (letters, digits, '_', '-' "
                        + "or a quoted name) after '[', found \(found)")
            }
        }
    }

    func testBracketsInsideValuesStringsAndCommentsAreNotHeaders() throws {
        let source = """
            a = [
              [1, 2],
              [{x = 1}],
            ]
            b = "[@not a header"
            c = '''
            [@ also not a header
            '''
            # [@ a comment
            ["quoted key"]
            [plain.key]
            d = 1
            """
        XCTAssertNoThrow(try SafeTOML.precheck(source))
        XCTAssertNoThrow(try SafeTOML.parse(source))
    }
}
