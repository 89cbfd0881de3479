import Foundation
import WhetFuzzTargets

// Built two ways. With WHET_FUZZ=1 (FUZZING defined, -sanitize=fuzzer,address; `make fuzz`, `Tests/fuzz/run.sh`) the entry
// point hands over to libFuzzer's driver, which calls LLVMFuzzerTestOneInput with the target named by
// WHET_FUZZ_TARGET. Built normally, `whet-fuzz TARGET FILE…` replays inputs through a target: how a crasher is
// reproduced under a debugger.

/// The target chosen once per process from WHET_FUZZ_TARGET.
let chosenTarget: (@Sendable (Data) -> Void)? = ProcessInfo.processInfo.environment["WHET_FUZZ_TARGET"].flatMap {
    FuzzTargets.all[$0]
}

@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzOneInput(_ bytes: UnsafePointer<UInt8>?, _ count: Int) -> Int32 {
    guard let chosenTarget else {
        FileHandle.standardError.write(
            Data("set WHET_FUZZ_TARGET to one of: \(FuzzTargets.names.joined(separator: ", "))\n".utf8))
        exit(2)
    }
    let data = bytes.map { Data(bytes: $0, count: count) } ?? Data()
    chosenTarget(data)
    return 0
}

#if FUZZING
    @_silgen_name("LLVMFuzzerRunDriver")
    func runFuzzerDriver(
        _ argc: UnsafeMutablePointer<Int32>,
        _ argv: UnsafeMutablePointer<UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?>,
        _ callback: @convention(c) (UnsafePointer<UInt8>?, Int) -> Int32
    ) -> Int32

    /// SwiftPM links an executable's entry point as `<module>_main`; here it starts libFuzzer's driver.
    @_cdecl("whet_fuzz_main")
    func fuzzMain(_ argc: Int32, _ argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> Int32 {
        var count = argc
        var arguments = argv
        return runFuzzerDriver(&count, &arguments) { bytes, size in fuzzOneInput(bytes, size) }
    }
#else
    /// Replays files through a target (no libFuzzer in this build).
    @main
    struct FuzzReplay {
        static func main() {
            let arguments = Array(CommandLine.arguments.dropFirst())
            guard let name = arguments.first, let target = FuzzTargets.all[name] else {
                FileHandle.standardError.write(
                    Data(
                        "usage: whet-fuzz TARGET FILE…  (targets: \(FuzzTargets.names.joined(separator: ", ")))\n".utf8)
                )
                exit(2)
            }
            for path in arguments.dropFirst() {
                guard let data = FileManager.default.contents(atPath: path) else {
                    FileHandle.standardError.write(Data("whet-fuzz: cannot read \(path)\n".utf8))
                    exit(1)
                }
                target(data)
                print("\(path): ok")
            }
        }
    }
#endif
