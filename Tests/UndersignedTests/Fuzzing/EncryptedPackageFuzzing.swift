import Foundation

@testable import Undersigned

#if canImport(FuzzSupport)
    import FuzzSupport
#endif

/// Opening delivery packages (`undersigned decrypt-package`). An even first byte hands the
/// rest to the decrypter as it is: it must fail with a package error. An odd one encrypts
/// the rest to a fixed key in small records, then changes the package as the next bytes
/// say (a flipped byte, cut short, one byte more, one byte less): an unchanged package opens
/// to exactly what was sealed, and any change is refused.
enum EncryptedPackageFuzzing: FuzzCheck {
    // A pipe holds 64 KiB (see `open`): packages stay well under that.
    static let maxLength = 2048

    private static let privateKey: OrganizationPrivateKey = {
        do {
            return try OrganizationPrivateKey(
                fileContents: OrganizationPrivateKey.textPrefix + Data(repeating: 0x2A, count: 32).base64EncodedString()
            )
        } catch {
            Fuzz.fail("the fixed key does not load: \(error)")
        }
    }()

    static func run(_ start: UnsafeRawPointer, _ count: Int) {
        let bytes = Fuzz.bytes(start, count)
        guard let mode = bytes.first else { return }
        if mode & 1 == 0 {
            if case .success(let plain) = open(Array(bytes.dropFirst())) {
                Fuzz.fail("opened a package not sealed here, to \(plain)")
            }
            return
        }
        guard bytes.count >= 6 else { return }
        let chunkSize = Int(bytes[1]) + 1
        let position = Int(bytes[2]) << 8 | Int(bytes[3])
        let change = bytes[4]
        let operand = bytes[5]
        let plain = Array(bytes.dropFirst(6))
        var package = seal(plain, chunkSize: chunkSize)
        let target = position % package.count
        var changed = true
        switch change % 5 {
        case 1:
            package[target] ^= operand
            changed = operand != 0
        case 2: package.removeSubrange(target...)
        case 3: package.append(operand)
        case 4: package.remove(at: target)
        default: changed = false
        }
        switch open(package) {
        case .success(let opened):
            Fuzz.expect(!changed, "a package changed by \(change % 5) at \(target) still opened")
            Fuzz.expect(opened == plain, "sealed \(plain), opened \(opened)")
        case .failure(let error):
            Fuzz.expect(
                changed,
                "an unchanged package of \(plain.count) bytes in records of \(chunkSize) did not open: \(error)")
        }
    }

    private static func seal(_ plain: [UInt8], chunkSize: Int) -> [UInt8] {
        do {
            var stream = try EncryptedPackage.Stream(to: privateKey.publicKey, chunkSize: chunkSize)
            var package = Array(stream.header)
            for record in try stream.append(plain) { package += record }
            return package + (try stream.finish())
        } catch {
            Fuzz.fail("sealing failed: \(error)")
        }
    }

    private static func open(_ package: [UInt8]) -> Result<[UInt8], EncryptedPackageError> {
        let pipe = Pipe()
        do {
            try pipe.fileHandleForWriting.write(contentsOf: package)
            try pipe.fileHandleForWriting.close()
        } catch {
            Fuzz.fail("cannot write to a pipe: \(error)")
        }
        var opened: [UInt8] = []
        do {
            try EncryptedPackage.decrypt(pipe.fileHandleForReading, with: privateKey) { opened += $0 }
            try? pipe.fileHandleForReading.close()
            return .success(opened)
        } catch let error as EncryptedPackageError {
            try? pipe.fileHandleForReading.close()
            return .failure(error)
        } catch {
            Fuzz.fail("unexpected error \(error)")
        }
    }
}
