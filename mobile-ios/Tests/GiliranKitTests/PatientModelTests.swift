// The patient app's view model against a live server: a ticket taken, followed, called and
// finished as the patient's screen and notifications would show it; the phone's offline memory.
import Foundation
import GiliranCore
import GiliranKit
import XCTest

final class PatientModelTests: XCTestCase {
    @MainActor
    func testPatientFollowsTheirTicketFromTakingToDone() async throws {
        let server = try LiveServer.settings()
        let log = NoticeLog()
        let patient = try PatientModel(
            serverAddress: server.address,
            directory: LiveServer.freshDevice(),
            notify: log.record
        )
        await patient.start()
        XCTAssertNil(patient.problem)
        let umum = try XCTUnwrap(patient.services.first { $0.code == "A" }, "the seeded Poli Umum")

        await patient.takeTicket(serviceId: umum.id, name: "Siti Rahayu", phone: "")
        let taken = try XCTUnwrap(patient.ticket, "\(String(describing: patient.problem))")
        XCTAssertEqual(taken.status, .waiting)
        XCTAssertTrue(taken.number.hasPrefix("A-"))
        let isLive = await eventually { patient.live == .online }
        XCTAssertTrue(isLive)
        XCTAssertNotNil(patient.ticket?.peopleAhead, "a waiting ticket knows who is ahead")

        let staff = try StaffModel(serverAddress: server.address, directory: LiveServer.freshDevice())
        await staff.login(username: "admin", password: server.adminPassword)
        let loket1 = try XCTUnwrap(staff.counters.first { $0.number == 1 })
        await staff.open(counterId: loket1.id)
        let reached = await staff.callUntil(number: taken.number)
        XCTAssertTrue(reached, "\(String(describing: staff.problem))")

        let called = await eventually { patient.ticket?.status == .called }
        XCTAssertTrue(called)
        XCTAssertEqual(patient.ticket?.counterNumber, 1)
        let told = await eventually { !log.calls.isEmpty }
        XCTAssertTrue(told, "the call is handed on for a notification")
        XCTAssertEqual(log.calls.count, 1, "each call is told once")

        await staff.complete()
        let done = await eventually { patient.ticket?.status == .done }
        XCTAssertTrue(done)
        XCTAssertFalse(try XCTUnwrap(patient.ticket).active)

        patient.closeTicket()
        XCTAssertNil(patient.ticket)
        XCTAssertEqual(patient.history.first?.number, taken.number)
        XCTAssertEqual(patient.history.first?.status, .done)
    }

    @MainActor
    func testReopenedWithoutNetworkShowsTheLastKnownTicket() async throws {
        let server = try LiveServer.settings()
        let phone = LiveServer.freshDevice()
        let online = try PatientModel(serverAddress: server.address, directory: phone, notify: { _ in })
        await online.start()
        let gigi = try XCTUnwrap(online.services.first { $0.code == "B" }, "the seeded Poli Gigi")
        await online.takeTicket(serviceId: gigi.id, name: "", phone: "")
        let taken = try XCTUnwrap(online.ticket)

        // Nothing listens on port 9: the same phone, opened where the server cannot be reached.
        let offline = try PatientModel(serverAddress: "http://127.0.0.1:9", directory: phone, notify: { _ in })
        await offline.start()
        XCTAssertEqual(offline.ticket?.number, taken.number)
        XCTAssertEqual(offline.ticket?.status, .waiting)
        XCTAssertEqual(offline.problem?.isOffline, true, "the services cannot be fetched")
        let shownOffline = await eventually { offline.live == .offline }
        XCTAssertTrue(shownOffline)

        await online.cancelTicket()
        XCTAssertEqual(online.ticket?.status, .cancelled)
    }

    @MainActor
    func testASecondTicketForTheSamePhoneShowsTheOneHeld() async throws {
        let server = try LiveServer.settings()
        let patient = try PatientModel(
            serverAddress: server.address,
            directory: LiveServer.freshDevice(),
            notify: { _ in }
        )
        await patient.start()
        let anak = try XCTUnwrap(patient.services.first { $0.code == "C" }, "the seeded Poli Anak")
        let phone = LiveServer.freshPhone()

        await patient.takeTicket(serviceId: anak.id, name: "Budi", phone: phone)
        let first = try XCTUnwrap(patient.ticket, "\(String(describing: patient.problem))")
        await patient.takeTicket(serviceId: anak.id, name: "Budi", phone: phone)
        XCTAssertEqual(patient.ticket?.id, first.id)
        XCTAssertNil(patient.problem)

        await patient.cancelTicket()
    }

    @MainActor
    func testAnUnknownServiceIsRefusedWithItsCode() async throws {
        let server = try LiveServer.settings()
        let patient = try PatientModel(
            serverAddress: server.address,
            directory: LiveServer.freshDevice(),
            notify: { _ in }
        )
        await patient.takeTicket(serviceId: UUID().uuidString, name: "", phone: "")
        XCTAssertNil(patient.ticket)
        XCTAssertEqual(patient.problem?.apiCode, "service_not_found")
    }
}
