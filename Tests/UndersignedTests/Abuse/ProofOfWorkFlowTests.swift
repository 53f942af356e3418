import Foundation
import HTTPTypes
import Testing

@testable import Undersigned

/// The proof of work through HTTP: free when calm, asked for under a flood, single use.
@Suite("Proof of work on the sign form")
struct ProofOfWorkFlowTests {
    /// Proof of work from 3 sign requests a minute; address limits out of the way.
    static func busyInstance(_ database: TestDatabase) async throws -> TestInstance {
        try await TestInstance(database) { settings, _ in
            settings.proofOfWorkCalmRate = 3
            settings.proofOfWorkMaximumBits = 12
            settings.signsPerMinute = 1000
            settings.signsPerHour = 1000
        }
    }

    @Test("calm: a form posted without any proof of work is accepted", arguments: TestDatabase.all)
    func calm(database: TestDatabase) async throws {
        let instance = try await TestInstance(database)
        try await instance.run { browser in
            let page = try await browser.get(TestInstance.seedPath)
            #expect(page.difficulty == 0)
            #expect(!page.body.contains("<noscript>"))
            // A challenge of no difficulty would be refused as outdated once one is asked.
            #expect(page.field("pow") == "")
            // As a browser without JavaScript sends it: the challenge, no solution.
            let noScript = try await browser.post(
                "\(TestInstance.seedPath)/sign",
                form: [
                    ("csrf", page.field("csrf") ?? ""), ("pow", page.field("pow") ?? ""), ("powSolution", ""),
                    ("name", "No Script"),
                    ("email", "noscript@example.org"), ("country", "LB"),
                ])
            #expect(noScript.status == .seeOther)
            // As a client that knows nothing of it.
            let bare = try await browser.post(
                "\(TestInstance.seedPath)/sign",
                form: [
                    ("csrf", page.field("csrf") ?? ""), ("name", "Bare"), ("email", "bare@example.org"),
                    ("country", "LB"),
                ])
            #expect(bare.status == .seeOther)
            _ = try await browser.mailbox.waitForTotal(2)
        }
    }

    @Test(
        "difficulty rises under a burst, is explained without JavaScript, and falls when calm",
        arguments: TestDatabase.all)
    func adaptive(database: TestDatabase) async throws {
        let instance = try await Self.busyInstance(database)
        try await instance.run { browser in
            #expect(try await browser.get(TestInstance.seedPath).difficulty == 0)
            try await Self.flood(browser, requests: 3)
            let busy = try await browser.get(TestInstance.seedPath)
            #expect(busy.difficulty == 8)
            #expect(busy.field("pow")?.isEmpty == false)
            #expect(busy.body.contains("<noscript><p class=\"notice\">Many people are signing at the moment"))
            try await Self.flood(browser, requests: 9)
            #expect(try await browser.get(TestInstance.seedPath).difficulty == 12)

            // Without JavaScript the form comes back with what was typed and says why.
            let page = try await browser.get(TestInstance.seedPath)
            let noScript = try await browser.post(
                "\(TestInstance.seedPath)/sign",
                form: [
                    ("csrf", page.field("csrf") ?? ""), ("pow", page.field("pow") ?? ""), ("powSolution", ""),
                    ("name", "No Script"),
                    ("email", "noscript@example.org"), ("country", "LB"),
                ])
            #expect(noScript.status == .forbidden)
            #expect(noScript.body.contains("this form now needs JavaScript"))
            #expect(!noScript.body.contains("<noscript>"), "said once, not twice")
            #expect(noScript.body.contains("value=\"noscript@example.org\""))
            #expect(noScript.body.contains("<option value=\"LB\" selected>"))

            // With it, signing works.
            #expect(try await browser.sign(email: "script@example.org").status == .seeOther)

            // A minute later it is calm again, and the form works without JavaScript.
            instance.clock.advance(by: 61)
            let calm = try await browser.get(TestInstance.seedPath)
            #expect(calm.difficulty == 0)
            let later = try await browser.post(
                "\(TestInstance.seedPath)/sign",
                form: [
                    ("csrf", calm.field("csrf") ?? ""), ("name", "No Script"), ("email", "noscript@example.org"),
                    ("country", "LB"),
                ])
            #expect(later.status == .seeOther)
            _ = try await browser.mailbox.waitForTotal(2)
            #expect(Set(browser.mailbox.messages().map(\.to)) == ["script@example.org", "noscript@example.org"])
        }
    }

    @Test(
        "requests refused by an address's limits do not raise the difficulty for everyone", arguments: TestDatabase.all)
    func refusedRequestsDoNotCount(database: TestDatabase) async throws {
        let instance = try await TestInstance(database) { settings, _ in
            settings.proofOfWorkCalmRate = 3
            settings.proofOfWorkMaximumBits = 12
            settings.signsPerMinute = 2
            settings.signsPerHour = 1000
        }
        try await instance.run { browser in
            // One address hammers the form: two requests get through its limit, the rest are 429.
            var refused = 0
            for _ in 0..<40 {
                let response = try await browser.post("\(TestInstance.seedPath)/sign", form: [("name", "Bot")])
                if response.status == .tooManyRequests { refused += 1 }
            }
            #expect(refused == 38)
            #expect(try await browser.newVisitor().get(TestInstance.seedPath).difficulty == 0)
            // Requests that pass the limits still count.
            try await Self.flood(browser, requests: 1)
            #expect(try await browser.newVisitor().get(TestInstance.seedPath).difficulty == 8)
        }
    }

    @Test(
        "under a flood a solution is single use; expired, forged and wrong ones are refused",
        arguments: TestDatabase.all)
    func refusals(database: TestDatabase) async throws {
        let instance = try await Self.busyInstance(database)
        try await instance.run { browser in
            try await Self.flood(browser, requests: 6)
            let page = try await browser.get(TestInstance.seedPath)
            #expect(page.difficulty == 10)
            let form = browser.signForm(from: page, email: "real@example.org")
            let path = "\(TestInstance.seedPath)/sign"

            let first = try await browser.post(path, form: form)
            #expect(first.status == .seeOther)
            // The same solved challenge again, even for someone else, buys nothing.
            let replay = try await browser.post(
                path, form: form.map { $0.0 == "email" ? ($0.0, "replay@example.org") : $0 })
            #expect(replay.status == .forbidden)
            #expect(replay.body.contains("This form could not be checked. Please press Sign again."))
            #expect(replay.body.contains("value=\"replay@example.org\""))

            // A wrong solution.
            let fresh = try await browser.get(TestInstance.seedPath)
            let challenge = try #require(fresh.field("pow"))
            var wrong = 0
            while ProofOfWork.isSolution(String(wrong), to: challenge, difficulty: 10) { wrong += 1 }
            let wrongForm = browser.signForm(from: fresh, email: "wrong@example.org").map {
                $0.0 == "powSolution" ? ($0.0, String(wrong)) : $0
            }
            #expect(try await browser.post(path, form: wrongForm).status == .forbidden)

            // A forged challenge: the difficulty inside lowered to zero.
            var bytes = try #require(Base64URL.decode(challenge))
            bytes[1] = 0
            let forgedForm = browser.signForm(from: fresh, email: "forged@example.org").map {
                field -> (String, String) in
                switch field.0 {
                case "pow": (field.0, Base64URL.encode(bytes))
                case "powSolution": (field.0, "0")
                default: field
                }
            }
            #expect(try await browser.post(path, form: forgedForm).status == .forbidden)

            // An expired one: solved, but sent eleven minutes later (the flood goes on).
            let old = try await browser.get(TestInstance.seedPath)
            let oldForm = browser.signForm(from: old, email: "late@example.org")
            instance.clock.advance(by: 11 * 60)
            try await Self.flood(browser, requests: 6)
            let late = try await browser.post(path, form: oldForm)
            #expect(late.status == .forbidden)
            #expect(late.body.contains("This form was open for a long while and has expired"))
            // The page it returns carries a new challenge that works.
            let retried = try await browser.post(path, form: browser.signForm(from: late, email: "late@example.org"))
            #expect(retried.status == .seeOther)

            // Only the two real signers got an email, and only they can be counted.
            let messages = try await browser.mailbox.waitForTotal(2)
            #expect(Set(messages.map(\.to)) == ["real@example.org", "late@example.org"])
            for message in messages { try await browser.confirm(try #require(message.confirmationPath)) }
            #expect(try await browser.apiCount() == 2)
        }
    }

    @Test(
        "a solution redeemed at one instance is refused at another sharing the database",
        arguments: TestDatabase.all.filter { $0 == .postgres })
    func replayAcrossInstances(database: TestDatabase) async throws {
        let instance = try await Self.busyInstance(database)
        let other = instance.sibling()
        try await instance.run { first in
            try await other.run { second in
                try await Self.flood(first, requests: 6)
                try await Self.flood(second, requests: 6)
                let page = try await first.get(TestInstance.seedPath)
                #expect(page.difficulty == 10)
                let form = first.signForm(from: page, email: "once@example.org")
                let path = "\(TestInstance.seedPath)/sign"
                #expect(try await first.post(path, form: form).status == .seeOther)
                // The same person with the same solved form, at the other instance.
                let replay = try await first.on(second).post(path, form: form)
                #expect(replay.status == .forbidden)
                #expect(replay.body.contains("This form could not be checked"))
                let messages = try await first.mailbox.waitForTotal(1)
                #expect(messages.count == 1)
            }
        }
    }

    /// Sign requests from as many fresh addresses, each refused for want of a form token:
    /// what a flood looks like to the difficulty.
    static func flood(_ browser: Browser, requests: Int) async throws {
        for _ in 0..<requests {
            let response = try await browser.newVisitor().post("\(TestInstance.seedPath)/sign", form: [("name", "Bot")])
            #expect(response.status == .forbidden)
        }
    }
}
