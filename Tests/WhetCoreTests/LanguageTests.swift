import XCTest

@testable import WhetCore

/// Documents in other languages: detected from their stop words, stemmed with the Snowball algorithm of
/// their language (libstemmer), and found by inflected forms; queries analysed in every language present.
final class LanguageTests: XCTestCase {
    let german = """
        # Garantie

        Die Garantie für das Gerät gilt drei Jahre ab dem Kaufdatum. Bewahren Sie den Kaufbeleg auf, denn ohne
        ihn können wir eine Reparatur nicht übernehmen. Die Garantie deckt keine Schäden durch Stürze.
        """
    let germanHouses = """
        # Unser Haus

        Das Haus steht am Ende der Straße und hat einen großen Garten. Wir haben es im Jahr 1990 gekauft und
        seitdem jedes Jahr ein wenig renoviert.
        """
    let french = """
        # Livraison

        Les commandes passées avant midi sont livrées le lendemain. La livraison est gratuite pour les clients
        qui ont un abonnement, et les retours sont acceptés pendant trente jours.
        """
    let english = """
        # Shipping

        Orders placed before noon are delivered the next day. Shipping is free for customers with a
        subscription, and returns are accepted for thirty days.
        """

    func testLanguagesAreDetectedFromStopWords() {
        XCTAssertEqual(LanguageDetector.detect(german).code, "de")
        XCTAssertEqual(LanguageDetector.detect(french).code, "fr")
        XCTAssertEqual(LanguageDetector.detect(english).code, "en")
        XCTAssertEqual(LanguageDetector.detect("SKU-1234 42 mm").code, "en", "no evidence: the fallback")
        XCTAssertEqual(
            LanguageDetector.detect("El pedido llega mañana y la factura está en el correo que le enviamos.").code, "es"
        )
    }

    func testGermanStemsMeetAcrossInflections() {
        let german = try! XCTUnwrap(Language.named("de"))
        func stem(_ word: String) -> String? {
            var folded = ""
            TextTokenizer.forEachWord(in: word) { folded = $0 }
            return TermAnalyzer.analyze(folded, stemming: true, language: german)
        }
        XCTAssertEqual(stem("Garantie"), stem("Garantien"))
        XCTAssertEqual(stem("Häuser"), stem("Haus"))
        XCTAssertNil(stem("die"), "a German stop word")
        XCTAssertEqual(TermAnalyzer.analyze("die", stemming: true), "die", "an English verb")
    }

    func testAGermanWorkspaceFindsInflectedForms() throws {
        let files = try TestWorkspace(files: [
            "corpus/garantie.md": german, "corpus/haus.md": germanHouses, "corpus/shipping.md": english,
            "corpus/livraison.md": french,
        ])
        let (index, _) = try files.open().openIndex()
        XCTAssertEqual(try index.search("Garantien", topK: 1).first?.path, "corpus/garantie.md")
        XCTAssertEqual(try index.search("Häuser", topK: 1).first?.path, "corpus/haus.md")
        XCTAssertEqual(try index.search("Hauser", topK: 1).first?.path, "corpus/haus.md", "typed without the umlaut")
        XCTAssertEqual(try index.search("livraisons gratuites", topK: 1).first?.path, "corpus/livraison.md")
        XCTAssertEqual(try index.search("delivering shipments", topK: 1).first?.path, "corpus/shipping.md")
        let (german, _) = try index.inMemoryIndex()
        XCTAssertEqual(Set(german.languages.map { Language.all[Int($0)].code }), ["de", "en", "fr"])
    }

    func testAFixedLanguageAndAnUnknownOne() throws {
        let config = TestWorkspace.defaultConfig + "\nlanguage = \"de\"\n"
        let files = try TestWorkspace(config: config, files: ["corpus/garantie.md": german])
        let (index, _) = try files.open().openIndex()
        XCTAssertEqual(try index.search("Garantien", topK: 1).first?.path, "corpus/garantie.md")
        let bad = try TestWorkspace(config: TestWorkspace.defaultConfig + "\nlanguage = \"klingon\"\n")
        XCTAssertThrowsError(try bad.open()) { error in
            XCTAssertTrue(
                "\(error)".contains("whet.toml:11:1: error: expected \"auto\" or one of \"en\", \"de\""), "\(error)")
        }
    }
}
