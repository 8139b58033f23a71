// The staff app's view model against a live server: logging in, the counter remembered, the
// queue live, and every action a desk or a doctor's room takes.
import Foundation
import GiliranCore
import GiliranKit
import XCTest

final class StaffModelTests: XCTestCase {
    @MainActor
    func testAWrongPasswordIsRefusedAndKeepsTheLoginScreen() async throws {
        let server = try LiveServer.settings()
        let staff = try StaffModel(serverAddress: server.address, directory: LiveServer.freshDevice())
        await staff.login(username: "admin", password: server.adminPassword + "-wrong")
        XCTAssertNil(staff.user)
        XCTAssertEqual(staff.problem?.apiCode, "invalid_credentials")
    }

    @MainActor
    func testTheTabletReopensAtTheCounterWorkedAtLast() async throws {
        let server = try LiveServer.settings()
        let tablet = LiveServer.freshDevice()
        let morning = try StaffModel(serverAddress: server.address, directory: tablet)
        await morning.login(username: "admin", password: server.adminPassword)
        XCTAssertEqual(morning.user?.isAdmin, true)
        XCTAssertNil(morning.counterId, "a new tablet asks which counter")
        let loket2 = try XCTUnwrap(morning.counters.first { $0.number == 2 })
        await morning.open(counterId: loket2.id)
        let heard = await eventually { morning.queue?.counter.id == loket2.id }
        XCTAssertTrue(heard)

        let afternoon = try StaffModel(serverAddress: server.address, directory: tablet)
        await afternoon.login(username: "admin", password: server.adminPassword)
        XCTAssertEqual(afternoon.counterId, loket2.id)
        await afternoon.logout()
        XCTAssertNil(afternoon.user)
    }

    @MainActor
    func testStaffCallRecallSkipPauseAndTransferWithTheQueueLive() async throws {
        let server = try LiveServer.settings()
        let patient = try PatientModel(
            serverAddress: server.address,
            directory: LiveServer.freshDevice(),
            notify: { _ in }
        )
        await patient.start()
        let umum = try XCTUnwrap(patient.services.first { $0.code == "A" })
        let gigi = try XCTUnwrap(patient.services.first { $0.code == "B" })
        await patient.takeTicket(serviceId: umum.id, name: "Dewi", phone: "")
        let taken = try XCTUnwrap(patient.ticket)

        let staff = try StaffModel(serverAddress: server.address, directory: LiveServer.freshDevice())
        await staff.login(username: "admin", password: server.adminPassword)
        let loket1 = try XCTUnwrap(staff.counters.first { $0.number == 1 })
        await staff.open(counterId: loket1.id)
        let listed = await eventually { staff.queue?.waiting.contains { $0.number == taken.number } == true }
        XCTAssertTrue(listed, "the waiting list shows the new ticket")
        XCTAssertEqual(staff.live, .online)

        // A paused counter calls nobody; the server says why.
        await staff.pause()
        XCTAssertEqual(staff.counter?.paused, true)
        await staff.callNext()
        XCTAssertEqual(staff.problem?.apiCode, "counter_paused")
        await staff.resume()
        XCTAssertEqual(staff.counter?.paused, false)

        let reached = await staff.callUntil(number: taken.number)
        XCTAssertTrue(reached)
        let current = await eventually { staff.queue?.current?.number == taken.number }
        XCTAssertTrue(current, "the live queue shows who is called")

        await staff.recall()
        guard case let .recalled(recalled) = staff.outcome else {
            return XCTFail("\(String(describing: staff.outcome)) \(String(describing: staff.problem))")
        }
        XCTAssertEqual(recalled.recalls, 1)

        // Sent on to Poli Gigi: a B number, which the patient's screen follows.
        await staff.transfer(toService: gigi.id)
        guard case let .transferred(moved) = staff.outcome else {
            return XCTFail("\(String(describing: staff.outcome)) \(String(describing: staff.problem))")
        }
        XCTAssertTrue(moved.number.hasPrefix("B-"))
        let followed = await eventually { patient.ticket?.number == moved.number }
        XCTAssertTrue(followed)
        XCTAssertEqual(patient.ticket?.status, .waiting)

        let cleared = await eventually { staff.queue?.current == nil }
        XCTAssertTrue(cleared, "the transferred patient leaves this counter")
        await patient.cancelTicket()
    }

    @MainActor
    func testSkippingANoShowCountsIt() async throws {
        let server = try LiveServer.settings()
        let patient = try PatientModel(
            serverAddress: server.address,
            directory: LiveServer.freshDevice(),
            notify: { _ in }
        )
        await patient.start()
        let kandungan = try XCTUnwrap(patient.services.first { $0.code == "D" })
        await patient.takeTicket(serviceId: kandungan.id, name: "", phone: "")
        let taken = try XCTUnwrap(patient.ticket)

        let staff = try StaffModel(serverAddress: server.address, directory: LiveServer.freshDevice())
        await staff.login(username: "admin", password: server.adminPassword)
        let loket4 = try XCTUnwrap(staff.counters.first { $0.number == 4 })
        await staff.open(counterId: loket4.id)
        let reached = await staff.callUntil(number: taken.number)
        XCTAssertTrue(reached)
        let before = try XCTUnwrap(staff.queue).skippedToday

        await staff.skip()
        guard case let .skipped(skipped) = staff.outcome else {
            return XCTFail("\(String(describing: staff.outcome)) \(String(describing: staff.problem))")
        }
        XCTAssertEqual(skipped.number, taken.number)
        XCTAssertEqual(skipped.status, .skipped)
        let counted = await eventually { (staff.queue?.skippedToday ?? 0) > before }
        XCTAssertTrue(counted, "today's counts move")
        let told = await eventually { patient.ticket?.status == .skipped }
        XCTAssertTrue(told)
    }
}
