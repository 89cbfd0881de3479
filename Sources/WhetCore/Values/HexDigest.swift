import Crypto
import Foundation

/// Lower-case hexadecimal digests, written by table look-up. `String(format: "%02x")` per byte cost about a
/// microsecond a byte, which made hashing every chunk's embedding input most of a search and a visible part
/// of indexing.
public enum HexDigest {
    private static let digits = Array("0123456789abcdef".utf8)

    /// `bytes` as lower-case hexadecimal, two digits a byte.
    public static func hex<Bytes: Sequence>(_ bytes: Bytes) -> String where Bytes.Element == UInt8 {
        var output: [UInt8] = []
        output.reserveCapacity(bytes.underestimatedCount * 2)
        for byte in bytes {
            output.append(digits[Int(byte >> 4)])
            output.append(digits[Int(byte & 0x0F)])
        }
        return String(decoding: output, as: UTF8.self)
    }

    /// The SHA-256 of `data`, hexadecimal: what whet keys files, extracted text and embeddings by.
    public static func sha256(_ data: Data) -> String { hex(SHA256.hash(data: data)) }

    /// The SHA-256 of `text`'s UTF-8 bytes, hexadecimal.
    public static func sha256(_ text: String) -> String {
        var text = text
        return text.withUTF8 { hex(SHA256.hash(data: UnsafeRawBufferPointer($0))) }
    }
}
