import Foundation

#if canImport(Glibc)
    import Glibc
#elseif canImport(Darwin)
    import Darwin
#endif

/// Files that hold secrets (the server secret, master keys, the log signing key): created
/// readable by their owner only from the first byte, never replacing an existing file, and
/// read back with an error that names the file instead of a silent replacement.
enum SecretFile {
    /// Creates `path` with `contents`, mode 600. The mode is set by `open` itself, so no other
    /// user can open the file in the moment between its creation and a later `chmod`; an
    /// existing file, even one made a moment ago by another process, is never replaced.
    static func create(_ path: String, contents: String, what: String) throws {
        let url = URL(fileURLWithPath: path)
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        let descriptor = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
        guard descriptor >= 0 else {
            let reason = errno == EEXIST ? "it exists already" : String(cString: strerror(errno))
            throw SettingsError(description: "cannot create \(what) \(path): \(reason)")
        }
        let bytes = Array(contents.utf8)
        // A umask cannot widen the mode, but one as strict as 0277 would narrow it to 400.
        var written = fchmod(descriptor, 0o600) == 0 ? 0 : -1
        while written >= 0, written < bytes.count {
            let count = bytes[written...].withUnsafeBytes { write(descriptor, $0.baseAddress, $0.count) }
            written = count > 0 ? written + count : -1
        }
        let synced = written == bytes.count && fsync(descriptor) == 0
        close(descriptor)
        guard synced else {
            unlink(path)
            throw SettingsError(description: "cannot write \(what) \(path)")
        }
    }

    /// The text of `path`; a file that cannot be read, or is not text, is an error naming it.
    static func read(_ path: String, what: String) throws -> String {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw SettingsError(description: "cannot read \(what) \(path): check its owner and permissions")
        }
        guard let text = String(data: data, encoding: .utf8) else {
            throw SettingsError(description: "\(path) does not hold \(what) (it is not text): restore it from a backup")
        }
        return text
    }

    /// Whether anything at all is at `path`, a broken link included: such a path is read
    /// (and refused) rather than written over.
    static func exists(_ path: String) -> Bool {
        var status = stat()
        return lstat(path, &status) == 0
    }
}
