// The scenario of tests/tests/kotlin.rs, in Swift, for a macOS runner (no Swift toolchain runs on
// this project's Linux CI). Build the core for the host (`cargo build -p giliran-core --features
// ffi --lib`), start a server (`GILIRAN_ADMIN_PASSWORD=… cargo run -p giliran-server`), then run
// with GILIRAN_SERVER_URL and GILIRAN_ADMIN_PASSWORD set, compiling Generated/*.swift with the
// module map and linking libgiliran_core.
import Foundation
import XCTest

/// Records what the core tells a patient's observer, for the test thread to wait on.
final class RecordingTicketObserver: TicketObserver, @unchecked Sendable {
    private let lock = NSCondition()
    private var tickets: [TicketInfo] = []
    private var notices: [PatientNotice] = []

    func onTicket(ticket: TicketInfo) {
        lock.lock(); tickets.append(ticket); lock.broadcast(); lock.unlock()
    }

    func onNotice(notice: PatientNotice) {
        lock.lock(); notices.append(notice); lock.broadcast(); lock.unlock()
    }

    func onConnection(online: Bool) {}

    /// The first ticket state matching `matches` within `seconds`.
    func ticket(within seconds: TimeInterval, where matches: (TicketInfo) -> Bool) -> TicketInfo? {
        let deadline = Date().addingTimeInterval(seconds)
        lock.lock(); defer { lock.unlock() }
        while true {
            if let found = tickets.first(where: matches) { return found }
            if !lock.wait(until: deadline) { return tickets.first(where: matches) }
        }
    }

    func told() -> [PatientNotice] {
        lock.lock(); defer { lock.unlock() }
        return notices
    }
}

final class ScenarioTests: XCTestCase {
    private var serverUrl: String { ProcessInfo.processInfo.environment["GILIRAN_SERVER_URL"] ?? "http://127.0.0.1:8080" }
    private var adminPassword: String { ProcessInfo.processInfo.environment["GILIRAN_ADMIN_PASSWORD"] ?? "" }

    private func dataDir() -> String {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent(UUID().uuidString)
        try? FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        return dir.path
    }

    func testPatientHearsTheCallOnceAndSeesItOffline() throws {
        let phone = dataDir()
        let patient = try PatientClient(serverUrl: serverUrl, dataDir: phone)
        let umum = try XCTUnwrap(try patient.services().first { $0.code == "A" })
        let taken = Date()
        let ticket = try patient.takeTicket(serviceId: umum.id, name: "Siti", phone: nil)
        let observer = RecordingTicketObserver()
        let tracking = try patient.track(ticketId: ticket.id, observer: observer)
        defer { tracking.stop() }
        XCTAssertNotNil(observer.ticket(within: 5) { $0.status == .waiting })
        print("take ticket → first tracking state at the observer: \(Int(Date().timeIntervalSince(taken) * 1000)) ms")

        let staff = try StaffClient(serverUrl: serverUrl, dataDir: dataDir())
        let me = try staff.login(username: "admin", password: adminPassword)
        XCTAssertTrue(me.isAdmin)
        let loket1 = try XCTUnwrap(try staff.counters().first { $0.number == 1 })
        let called = try XCTUnwrap(try staff.callNext(counter: loket1.id))
        XCTAssertEqual(called.number, ticket.number)
        let heard = observer.ticket(within: 1) { $0.status == .called }
        XCTAssertEqual(heard?.counterNumber, 1)
        let calls = observer.told().filter { if case .called = $0 { return true } else { return false } }
        XCTAssertEqual(calls.count, 1)

        // Opened again without a network: the ticket is still there, from the phone.
        let offline = try PatientClient(serverUrl: "http://127.0.0.1:9", dataDir: phone)
        XCTAssertEqual(try offline.activeTicket()?.status, .called)

        _ = try staff.complete(counter: loket1.id)
        XCTAssertNotNil(observer.ticket(within: 2) { $0.status == .done })

        XCTAssertThrowsError(try patient.takeTicket(serviceId: UUID().uuidString, name: nil, phone: nil)) { error in
            guard case let GiliranError.Api(code, _, _) = error else { return XCTFail("\(error)") }
            XCTAssertEqual(code, "service_not_found")
        }
        XCTAssertEqual(
            try announcementText(language: "id", template: nil, ticketNumber: "A-123", counterName: "Loket 2"),
            "Nomor antrean A seratus dua puluh tiga, silakan menuju Loket dua."
        )
    }
}
