import Crypto
import Foundation
import Synchronization

/// Slows password guessing down without letting anyone lock an account's owner out.
///
/// Failures are counted per account and client: a client address, or a browser the account
/// signed in from before (its known-device cookie). Past a few failures each further try
/// waits, twice as long each time, up to a maximum: the client that guesses is slowed, and
/// no other. Beside that, each account has a budget of failures an hour, spent by every
/// client; once it is spent, clients that have failed on the account wait for it to refill,
/// while a client that has never failed on it, and a known device, still get through.
///
/// The account is named by its email fingerprint, which exists whether or not an account
/// does, so that an address without an account is slowed exactly like one with. Everything
/// is counted in memory under keys hashed with a random key of this process that is replaced
/// every UTC day: client addresses are never stored nor logged, and each instance counts
/// its own clients.
final class SignInThrottle: Sendable {
    /// Who is trying.
    enum Client: Sendable {
        case address(ClientAddress)
        /// The device identifier of a known-device cookie of the account.
        case knownDevice([UInt8])
    }

    enum Decision: Sendable, Equatable {
        case allowed
        case wait(seconds: Int)
    }

    private struct Failures {
        var count: Int
        var lastAt: Date
        var nextAttemptAt: Date
    }

    private struct Budget {
        var tokens: Double
        var updatedAt: Date
    }

    private struct State {
        var day: Int
        var key: SymmetricKey
        var failures: [Key128: Failures] = [:]
        var budgets: [Key128: Budget] = [:]
    }

    private let freeFailures: Int
    private let maximumWait: TimeInterval
    private let budgetPerHour: Double
    private let maximumEntries: Int
    private let state: Mutex<State>

    init(settings: Settings, maximumEntries: Int = 200_000) {
        freeFailures = settings.signInAttempts
        maximumWait = TimeInterval(settings.signInMaximumWaitMinutes * 60)
        budgetPerHour = Double(settings.signInFailuresPerHour)
        self.maximumEntries = maximumEntries
        state = Mutex(State(day: Int.min, key: SymmetricKey(size: .bits256)))
    }

    /// Whether `client` may try a password on the account named by `identity` now.
    func check(identity: [UInt8], client: Client, at now: Date) -> Decision {
        state.withLock { state in
            rotate(&state, at: now)
            guard let failures = state.failures[key(state, identity, client)] else { return .allowed }
            if failures.nextAttemptAt > now {
                return .wait(seconds: Self.seconds(failures.nextAttemptAt.timeIntervalSince(now)))
            }
            guard case .address = client, let budget = state.budgets[key(state, identity)] else { return .allowed }
            let tokens = refilled(budget, at: now)
            return tokens >= 1 ? .allowed : .wait(seconds: Self.seconds((1 - tokens) * 3600 / budgetPerHour))
        }
    }

    func recordFailure(identity: [UInt8], client: Client, at now: Date) {
        state.withLock { state in
            rotate(&state, at: now)
            let pair = key(state, identity, client)
            var failures = state.failures[pair] ?? Failures(count: 0, lastAt: now, nextAttemptAt: now)
            failures.count += 1
            failures.lastAt = now
            if failures.count >= freeFailures {
                let doublings = min(failures.count - freeFailures, 30)
                failures.nextAttemptAt = now.addingTimeInterval(min(pow(2, Double(doublings)), maximumWait))
            }
            state.failures[pair] = failures
            let account = key(state, identity)
            let budget = state.budgets[account].map { refilled($0, at: now) } ?? budgetPerHour
            state.budgets[account] = Budget(tokens: max(0, budget - 1), updatedAt: now)
            if state.failures.count + state.budgets.count > maximumEntries { sweep(&state, at: now) }
        }
    }

    /// The client signed in: its failures on the account are forgotten.
    func recordSuccess(identity: [UInt8], client: Client, at now: Date) {
        state.withLock { state in
            rotate(&state, at: now)
            state.failures[key(state, identity, client)] = nil
        }
    }

    // MARK: Helpers

    /// A new key each UTC day, and with it a clean slate.
    private func rotate(_ state: inout State, at now: Date) {
        let day = UTCDay(now).number
        guard day != state.day else { return }
        state = State(day: day, key: SymmetricKey(size: .bits256))
    }

    private func key(_ state: State, _ identity: [UInt8], _ client: Client? = nil) -> Key128 {
        var message: [UInt8] = [UInt8(truncatingIfNeeded: identity.count)] + identity
        switch client {
        case nil: message.append(0)
        case .address(let address): message += [1] + address.bytes
        case .knownDevice(let device): message += [2] + device
        }
        return Key128(HMAC<SHA256>.authenticationCode(for: message, using: state.key))
    }

    private func refilled(_ budget: Budget, at now: Date) -> Double {
        min(budgetPerHour, budget.tokens + max(0, now.timeIntervalSince(budget.updatedAt)) * budgetPerHour / 3600)
    }

    /// Drops what no longer slows anyone; if too much is left, the oldest failures.
    private func sweep(_ state: inout State, at now: Date) {
        state.failures = state.failures.filter {
            $0.value.nextAttemptAt > now || now.timeIntervalSince($0.value.lastAt) < 3600
        }
        state.budgets = state.budgets.filter { refilled($0.value, at: now) < budgetPerHour }
        if state.failures.count > maximumEntries / 2 {
            let kept = state.failures.sorted { $0.value.lastAt > $1.value.lastAt }.prefix(maximumEntries / 4)
            state.failures = Dictionary(uniqueKeysWithValues: kept.map { ($0.key, $0.value) })
        }
        if state.budgets.count > maximumEntries / 2 {
            let kept = state.budgets.sorted { $0.value.tokens < $1.value.tokens }.prefix(maximumEntries / 4)
            state.budgets = Dictionary(uniqueKeysWithValues: kept.map { ($0.key, $0.value) })
        }
    }

    private static func seconds(_ interval: TimeInterval) -> Int {
        max(1, Int(interval.rounded(.up)))
    }
}
