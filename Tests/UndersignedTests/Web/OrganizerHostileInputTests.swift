import Foundation
import HTTPTypes
import Hummingbird
import Testing

@testable import Undersigned

/// Requests that once stopped the whole process from an organizer's session: each must get
/// a 4xx, and the instance must go on answering.
@Suite("Hostile requests from organizers")
struct OrganizerHostileInputTests {
    @Test("a multipart part that ends where its body should start is refused, not a crash", arguments: TestDatabase.all)
    func truncatedMultipart(database: TestDatabase) async throws {
        let instance = try await TestInstance(database)
        try await instance.createAccount("owner@example.org")
        try await instance.run { browser in
            let slug = try await browser.ownersDraft()
            let path = "/org/acme/petitions/\(slug)/image"
            let bodies = [
                "--B\r\nContent-Disposition: form-data; name=\"x\"\r\n\r\n--B--\r\n",
                "--B\r\nContent-Disposition: form-data; name=\"x\"\r\n\r\n",
                "--B\r\n\r\n\r\n--B--\r\n",
                "--B--\r\n",
                "--B",
                "",
            ]
            for body in bodies {
                let response = try await browser.send(
                    path, method: .post, headers: [.contentType: "multipart/form-data; boundary=B"],
                    body: ByteBuffer(string: body))
                #expect(response.status == .badRequest, "\(body.debugDescription)")
            }
            for contentType in [
                "multipart/form-data; boundary=", "multipart/form-data; boundary=\"\"", "multipart/form-data",
            ] {
                let response = try await browser.send(
                    path, method: .post, headers: [.contentType: contentType], body: ByteBuffer(string: "--\r\n"))
                #expect(response.status == .badRequest, "\(contentType)")
            }
            #expect(try await browser.get("/healthz").status == .ok)
            #expect(try await browser.get("/org/acme/petitions/\(slug)").status == .ok)
        }
    }

    @Test(
        "a target's number is checked against the petition's targets before any arithmetic", arguments: TestDatabase.all
    )
    func extremeTargetNumbers(database: TestDatabase) async throws {
        let instance = try await TestInstance(database)
        let slug = try await instance.openPetition()
        try await instance.run { browser in
            try await browser.signIn("owner@example.org")
            let manage = "/org/acme/petitions/\(slug)"
            let csrf = try #require(try await browser.get(manage).field("csrf"))
            for target in [
                "-9223372036854775808", "9223372036854775807", "0", "-1", "3", "99999999999999999999", "1e3", " 1", "",
            ] {
                let link = try await browser.post("\(manage)/target-links", form: [("csrf", csrf), ("target", target)])
                #expect(link.status == .badRequest, "target-links with \(target)")
                #expect(link.body.contains("Choose one of the petition"), "target-links with \(target)")
                let delivery = try await browser.upload(
                    "\(manage)/deliveries",
                    fields: [("csrf", csrf), ("target", target), ("channel", "email"), ("by", "Ana")], file: nil)
                #expect(delivery.status == .unprocessableContent, "deliveries with \(target)")
            }
            #expect(try await browser.get("/healthz").status == .ok)
        }
    }
}

@Suite("Multipart forms")
struct MultipartFormTests {
    private func parse(_ body: String, boundary: String = "B") throws(MultipartFormError) -> MultipartForm {
        try MultipartForm.parse(bytes: Array(body.utf8), boundary: boundary)
    }

    @Test("fields and files are read; the first part of a name wins")
    func wellFormed() throws {
        let form = try parse(
            "--B\r\nContent-Disposition: form-data; name=\"csrf\"\r\n\r\ntoken\r\n"
                + "--B\r\nContent-Disposition: form-data; name=\"csrf\"\r\n\r\nsecond\r\n"
                + "--B\r\nContent-Disposition: form-data; name=\"image\"; filename=\"a.png\"\r\nContent-Type: image/png\r\n\r\n\u{1}\u{2}\r\n"
                + "--B--\r\n")
        #expect(form["csrf"] == "token")
        #expect(form.files["image"]?.filename == "a.png")
        #expect(form.files["image"]?.bytes == [1, 2])
    }

    @Test(
        "malformed bodies are refused",
        arguments: [
            "--B\r\nContent-Disposition: form-data; name=\"x\"\r\n\r\n--B--\r\n",
            "--B\r\nContent-Disposition: form-data; name=\"x\"\r\n\r\nunfinished",
            "--B\r\nContent-Disposition: attachment; name=\"x\"\r\n\r\nv\r\n--B--\r\n",
            "--B\r\nContent-Disposition: form-data\r\n\r\nv\r\n--B--\r\n",
            "--B\r\nNo colon here\r\n\r\nv\r\n--B--\r\n",
            "--B\r\nContent-Disposition: form-data; name=\"x\"\r\n\r\n\u{FFFD}\r\n--Bjunk",
            "",
            "no delimiter at all",
        ])
    func malformed(body: String) {
        #expect(throws: MultipartFormError.self) { try parse(body) }
    }

    @Test("a text field must be UTF-8")
    func invalidUTF8() {
        var bytes = Array("--B\r\nContent-Disposition: form-data; name=\"x\"\r\n\r\n".utf8)
        bytes += [0xFF, 0xFE]
        bytes += Array("\r\n--B--\r\n".utf8)
        #expect(throws: MultipartFormError.malformed) { try MultipartForm.parse(bytes: bytes, boundary: "B") }
    }

    @Test("a header name with a byte of 0x80 or more is refused, not a crash; header values may be UTF-8")
    func nonASCIIHeaderName() throws {
        let hostile =
            Array("--B\r\nContent-Disp".utf8) + [0xFF]
            + Array("osition: form-data; name=\"x\"\r\n\r\nv\r\n--B--\r\n".utf8)
        #expect(throws: MultipartFormError.malformed) { try MultipartForm.parse(bytes: hostile, boundary: "B") }
        let form = try parse(
            "--B\r\nContent-Disposition: form-data; name=\"f\"; filename=\"é.png\"\r\n\r\nv\r\n--B--\r\n")
        #expect(form.files["f"]?.filename == "é.png")
    }

    @Test("more parts than a form has are refused")
    func tooManyParts() {
        let part = "--B\r\nContent-Disposition: form-data; name=\"x\"\r\n\r\nv\r\n"
        #expect(throws: MultipartFormError.tooManyParts) {
            try parse(String(repeating: part, count: MultipartForm.partLimit + 1) + "--B--\r\n")
        }
    }

    @Test("boundaries outside RFC 2046 are refused")
    func boundaries() {
        #expect(MultipartForm.boundary(of: "multipart/form-data; boundary=abc") == "abc")
        #expect(MultipartForm.boundary(of: "multipart/form-data; boundary=\"a b\"") == "a b")
        #expect(MultipartForm.boundary(of: "multipart/form-data; boundary=") == nil)
        #expect(MultipartForm.boundary(of: "multipart/form-data; boundary=\"\"") == nil)
        #expect(MultipartForm.boundary(of: "multipart/form-data; boundary=" + String(repeating: "a", count: 71)) == nil)
        #expect(MultipartForm.boundary(of: "multipart/form-data; boundary=a\u{1}b") == nil)
        #expect(MultipartForm.boundary(of: "text/plain; boundary=abc") == nil)
        #expect(throws: MultipartFormError.malformed) { try MultipartForm.parse(bytes: [], boundary: "") }
    }
}
