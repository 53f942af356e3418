import Hummingbird
import Prometheus

/// The metrics in Prometheus's text format. The outbox gauges are read from the database at
/// each scrape, so every instance reports the same shared queue.
struct MetricsController<Context: RequestContext>: Sendable {
    let registry: PrometheusCollectorRegistry
    let outbox: any OutboxStore
    let outboxMetrics: OutboxMetrics
    let clock: WallClock

    func addRoutes(to site: GroupRouter<SiteRoute, Context>) {
        site.get(.metrics, use: scrape)
    }

    @Sendable func scrape(_ request: Request, context: Context) async throws -> Response {
        // A database that does not answer leaves the last values: /healthz reports it.
        if let status = try? await outbox.outboxStatus() { outboxMetrics.record(status, now: clock.now) }
        return Response(
            status: .ok,
            headers: [.contentType: "text/plain; version=0.0.4; charset=utf-8", .cacheControl: "no-store"],
            body: .init(byteBuffer: ByteBuffer(bytes: registry.emitToBuffer())))
    }
}
