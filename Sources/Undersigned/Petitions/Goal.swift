import Foundation

/// The goal a petition shows: the organizer's goal until it is reached, then the next
/// milestone above the count, so that a successful petition always has somewhere to go.
public enum Goal {
    public static func displayed(count: Int, organizerGoal: Int) -> Int {
        guard count >= organizerGoal else { return organizerGoal }
        var magnitude = 1
        while true {
            for step in [1, 2, 5] where step * magnitude > count && step * magnitude > organizerGoal {
                return step * magnitude
            }
            magnitude *= 10
        }
    }

    /// Progress toward the displayed goal, 0 to 100.
    public static func percent(count: Int, goal: Int) -> Int {
        guard goal > 0 else { return 100 }
        return min(100, count * 100 / goal)
    }
}

extension Goal {
    /// A petition's count as the counters hold it after a change, beside its organizer's goal
    /// and the highest goal whose reaching was told already.
    public struct Standing: Sendable, Equatable {
        public var petitionID: UUID
        public var organizationID: UUID?
        public var count: Int
        public var goal: Int
        public var toldReached: Int

        /// The first time the count reaches the organizer's goal: once per goal, however far
        /// past it a batch goes, and not again when the count dips and comes back. A goal
        /// raised later is news again when reached; one lowered under a goal told is not.
        public var reachesNewGoal: Bool { count >= goal && toldReached < goal }
    }

    /// A goal reached for the first time, marked told in the transaction that reached it.
    public struct Reached: Sendable, Equatable {
        public var petitionID: UUID
        public var organizationID: UUID?
        public var goal: Int
        public var count: Int
    }
}
