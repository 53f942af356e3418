import Foundation
import Testing

@testable import Undersigned

/// The petition's count pushed to open pages as it changes.
@Suite("Live counts")
struct LiveCountTests {
    @Test(
        "an open event stream gets the count at once and again when a signature is confirmed",
        arguments: TestDatabase.all)
    func stream(database: TestDatabase) async throws {
        let instance = try await TestInstance(database) { settings, _ in settings.liveCountDuration = .seconds(60) }
        try await instance.run(.live) { browser in
            let port = try #require(browser.client.port)
            let path = "\(TestInstance.seedPath)/events"
            let page = try await browser.get(TestInstance.seedPath)
            #expect(page.body.contains(#"data-events="\#(path)""#))
            let script = try #require(
                page.body.firstMatch(of: /<script src="(\/static\/live\.[0-9a-f]+\.js)" defer>/)?.1)
            #expect(try await browser.get(String(script)).status == .ok)

            let first = try await RawHTTP.stream(port: port, path: path) { $0.contains("\"count\":0") }
            #expect(first.lowercased().contains("content-type: text/event-stream"))
            #expect(first.lowercased().contains("x-accel-buffering: no"))
            #expect(first.contains("retry: 5000"))
            #expect(first.contains(#"event: count"#))
            #expect(first.contains(#"data: {"count":0,"formatted":"0","goal":"#))

            // A stream open while someone confirms sees the new count, within seconds.
            async let second = RawHTTP.stream(port: port, path: path) { $0.contains("\"count\":1,") }
            try await Task.sleep(for: .milliseconds(300))
            try await browser.newVisitor().signAndConfirm(email: "amal@example.org")
            let updated = try await second
            #expect(updated.contains(#"data: {"count":0,"#) && updated.contains(#"data: {"count":1,"formatted":"1""#))

            #expect(try await browser.get("/p/no-such-petition/events").status == .notFound)
        }
    }

    @Test("an open stream ends when the server shuts down, so it never holds up a restart")
    func shutdown() async throws {
        let instance = try await TestInstance(.sqlite) { settings, _ in settings.liveCountDuration = .seconds(600) }
        let started = ContinuousClock.now
        let reader = try await instance.run(.live) { browser in
            let port = try #require(browser.client.port)
            let (counted, count) = AsyncStream.makeStream(of: Void.self, bufferingPolicy: .bufferingNewest(1))
            let reader = Task {
                defer { count.finish() }
                return try await RawHTTP.stream(port: port, path: "\(TestInstance.seedPath)/events", timeout: 60) {
                    if $0.contains("\"count\"") { count.yield() }
                    return false
                }
            }
            // This very stream is open and has sent the count before the server is asked to stop.
            var countSent = counted.makeAsyncIterator()
            _ = await countSent.next()
            return reader
        }
        #expect(ContinuousClock.now - started < .seconds(20), "shutting down waited for the stream")
        let received = try await reader.value
        #expect(received.contains("event: count"))
        // The chunked body was ended properly: the server closed the stream, not the reader.
        #expect(received.hasSuffix("0\r\n\r\n"))
    }

    @Test("with no stream time, the count is sent once and the stream ends, for clients to ask again")
    func once() async throws {
        let instance = try await TestInstance(.sqlite)
        try await instance.run { browser in
            let events = try await browser.get("\(TestInstance.seedPath)/events")
            #expect(events.status == .ok)
            #expect(
                events.body == "retry: 5000\n\n"
                    + PetitionController<AppRequestContext>.countEvent(0, organizerGoal: 10_000))
        }
    }

    @Test("the event is JSON naming the count, its grouping, the goal it is measured against and the share of it")
    func event() throws {
        let event = PetitionController<AppRequestContext>.countEvent(12_345, organizerGoal: 10_000)
        #expect(event.hasPrefix("event: count\ndata: ") && event.hasSuffix("}\n\n"))
        struct Figures: Decodable {
            var count: Int
            var formatted: String
            var goal: String
            var goalCount: Int
            var percent: Int
        }
        let figures = try JSONDecoder().decode(
            Figures.self, from: Data(event.dropFirst("event: count\ndata: ".count).utf8))
        #expect(figures.count == 12_345 && figures.formatted == "12,345")
        // Past the organizer's goal, the next one is shown, as on the page.
        #expect(figures.goal == "20,000" && figures.goalCount == 20_000)
        #expect((61...62).contains(figures.percent))
    }
}
