import Foundation

/// Waits for blocking work (a child process, a pipe) on a thread of its own. Every test's
/// tasks share a pool of one thread per core: a test blocked there holds up all the others,
/// and two blocked on something a third test's task must do would stop the run for good.
func offThePool<Value: Sendable>(_ work: @escaping @Sendable () throws -> Value) async throws -> Value {
    try await withCheckedThrowingContinuation { continuation in
        Thread { continuation.resume(with: Result(catching: work)) }.start()
    }
}

#if os(Linux)
    import Glibc

    /// A program the tests run beside them (the SMTP servers, pg_dump, the Python references),
    /// spawned with `posix_spawn`. Foundation's `Process` on Linux reads `/proc/self/fd` past
    /// its buffer before each launch and crashes the test process now and then
    /// (swift-corelibs-foundation#5472); this does without it.
    final class ChildProcess: @unchecked Sendable {
        let pid: pid_t
        /// What the program writes to its standard output (and its standard error, when asked).
        let output: FileHandle
        /// Its standard input, when asked for; closing it is how the SMTP servers are told to stop.
        let input: FileHandle?
        private let lock = NSLock()
        private var status: Int32?

        struct SpawnFailure: Error, CustomStringConvertible {
            var description: String
        }

        /// - Parameter environment: the program's whole environment; `nil` passes on this one.
        /// - Parameter withErrors: whether its standard error goes to `output` too.
        init(
            _ executable: String, _ arguments: [String], environment: [String: String]? = nil, withInput: Bool = false,
            withErrors: Bool = false
        ) throws {
            let outputPipe = try Self.pipe()
            let inputPipe = withInput ? try Self.pipe() : nil
            var actions = posix_spawn_file_actions_t()
            posix_spawn_file_actions_init(&actions)
            defer { posix_spawn_file_actions_destroy(&actions) }
            posix_spawn_file_actions_adddup2(&actions, outputPipe.write, 1)
            if withErrors { posix_spawn_file_actions_adddup2(&actions, outputPipe.write, 2) }
            if let inputPipe { posix_spawn_file_actions_adddup2(&actions, inputPipe.read, 0) }
            // Nothing else of the test process (its sockets, its files) goes with the program.
            Self.closeFrom(3, &actions)

            let argv = ([executable] + arguments).map { strdup($0) } + [nil]
            defer { for pointer in argv { free(pointer) } }
            let envp = environment.map { $0.map { strdup("\($0.key)=\($0.value)") } + [nil] }
            defer { for pointer in envp ?? [] { free(pointer) } }
            var pid: pid_t = 0
            let result =
                envp.map { envp in
                    envp.withUnsafeBufferPointer { posix_spawn(&pid, executable, &actions, nil, argv, $0.baseAddress) }
                } ?? posix_spawn(&pid, executable, &actions, nil, argv, environ)
            close(outputPipe.write)
            if let inputPipe { close(inputPipe.read) }
            guard result == 0 else {
                close(outputPipe.read)
                if let inputPipe { close(inputPipe.write) }
                throw SpawnFailure(description: "cannot run \(executable): \(String(cString: strerror(result)))")
            }
            self.pid = pid
            output = FileHandle(fileDescriptor: outputPipe.read, closeOnDealloc: true)
            input = inputPipe.map { FileHandle(fileDescriptor: $0.write, closeOnDealloc: true) }
        }

        /// Runs the program to its end; returns its standard output and exit status.
        static func run(
            _ executable: String, _ arguments: [String], environment: [String: String]? = nil, withErrors: Bool = false
        ) async throws -> (output: Data, status: Int32) {
            try await offThePool {
                let child = try ChildProcess(executable, arguments, environment: environment, withErrors: withErrors)
                let output = child.output.readDataToEndOfFile()
                return (output, child.waitUntilExit())
            }
        }

        var isRunning: Bool {
            lock.withLock {
                if status != nil { return false }
                var raw: Int32 = 0
                guard waitpid(pid, &raw, WNOHANG) == pid else { return true }
                status = raw
                return false
            }
        }

        /// Its exit status, once it has ended; 128 + the signal number if a signal ended it.
        @discardableResult
        func waitUntilExit() -> Int32 {
            let raw = lock.withLock {
                if let status { return status }
                var raw: Int32 = 0
                while waitpid(pid, &raw, 0) == -1, errno == EINTR {}
                status = raw
                return raw
            }
            return raw & 0x7F == 0 ? (raw >> 8) & 0xFF : 128 + (raw & 0x7F)
        }

        func kill(_ signal: Int32 = SIGKILL) {
            if isRunning { _ = Glibc.kill(pid, signal) }
        }

        /// A pipe whose ends are not inherited: the program gets only the copies put in its place.
        private static func pipe() throws -> (read: Int32, write: Int32) {
            var ends: [Int32] = [0, 0]
            guard Glibc.pipe(&ends) == 0 else {
                throw SpawnFailure(description: "cannot make a pipe: \(String(cString: strerror(errno)))")
            }
            for end in ends { _ = fcntl(end, F_SETFD, FD_CLOEXEC) }
            return (ends[0], ends[1])
        }

        /// glibc 2.34 and later close every descriptor from `lowest` on in the child; the
        /// declaration needs _GNU_SOURCE, so it is looked up by name.
        private static func closeFrom(_ lowest: Int32, _ actions: inout posix_spawn_file_actions_t) {
            typealias CloseFrom = @convention(c) (UnsafeMutablePointer<posix_spawn_file_actions_t>, Int32) -> Int32
            guard let symbol = dlsym(UnsafeMutableRawPointer(bitPattern: 0), "posix_spawn_file_actions_addclosefrom_np")
            else { return }
            _ = unsafeBitCast(symbol, to: CloseFrom.self)(&actions, lowest)
        }
    }
#else
    /// Elsewhere Foundation's `Process` is sound: the same interface over it.
    final class ChildProcess: @unchecked Sendable {
        private let process = Process()
        let output: FileHandle
        let input: FileHandle?

        init(
            _ executable: String, _ arguments: [String], environment: [String: String]? = nil, withInput: Bool = false,
            withErrors: Bool = false
        ) throws {
            process.executableURL = URL(fileURLWithPath: executable)
            process.arguments = arguments
            if let environment { process.environment = environment }
            let outputPipe = Pipe()
            process.standardOutput = outputPipe
            if withErrors { process.standardError = outputPipe }
            output = outputPipe.fileHandleForReading
            let inputPipe = withInput ? Pipe() : nil
            if let inputPipe { process.standardInput = inputPipe }
            input = inputPipe?.fileHandleForWriting
            try process.run()
        }

        static func run(
            _ executable: String, _ arguments: [String], environment: [String: String]? = nil, withErrors: Bool = false
        ) async throws -> (output: Data, status: Int32) {
            try await offThePool {
                let child = try ChildProcess(executable, arguments, environment: environment, withErrors: withErrors)
                let output = child.output.readDataToEndOfFile()
                return (output, child.waitUntilExit())
            }
        }

        var isRunning: Bool { process.isRunning }

        @discardableResult
        func waitUntilExit() -> Int32 {
            process.waitUntilExit()
            return process.terminationStatus
        }

        func kill(_ signal: Int32 = SIGKILL) {
            if process.isRunning { Darwin.kill(process.processIdentifier, signal) }
        }
    }
#endif
