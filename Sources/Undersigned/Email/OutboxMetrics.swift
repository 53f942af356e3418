import CoreMetrics
import Foundation

/// What the outbox reports: counters as messages go (or fail), gauges read from the
/// database when metrics are collected, so they hold across instances.
public struct OutboxMetrics: Sendable {
    let sent: Counter
    let failed: Counter
    let retried: Counter
    let queued: Gauge
    let undeliverable: Gauge
    let oldestAge: Gauge

    public init(factory: any MetricsFactory = MetricsSystem.factory) {
        sent = Counter(label: "undersigned_outbox_sent_total", factory: factory)
        failed = Counter(label: "undersigned_outbox_failed_total", factory: factory)
        retried = Counter(label: "undersigned_outbox_retried_total", factory: factory)
        queued = Gauge(label: "undersigned_outbox_queue_depth", factory: factory)
        undeliverable = Gauge(label: "undersigned_outbox_undeliverable", factory: factory)
        oldestAge = Gauge(label: "undersigned_outbox_oldest_age_seconds", factory: factory)
    }

    func record(_ status: OutboxStatus, now: Date) {
        queued.record(status.queued)
        undeliverable.record(status.failed)
        oldestAge.record(status.oldestQueuedAt.map { max(0, now.timeIntervalSince($0)) } ?? 0)
    }
}
