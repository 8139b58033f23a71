// The core's Kotlin bindings on the JVM against a live server: a patient takes and follows a
// ticket, staff call and complete it, and the patient's observer hears each step; then the staff
// console's rules and actions (ConsoleScenario.kt) and the saved server address. Run by
// tests/tests/kotlin.rs; a failure prints "FAIL: …" and exits 1.
//
// Usage: JvmScenarioKt <server url> <admin password> <data dir>
package id.giliran.shared

import java.io.File
import java.util.UUID
import kotlin.system.exitProcess
import uniffi.giliran_core.CounterInfo
import uniffi.giliran_core.GiliranException
import uniffi.giliran_core.PatientClient
import uniffi.giliran_core.PatientNotice
import uniffi.giliran_core.StaffClient
import uniffi.giliran_core.TicketInfo
import uniffi.giliran_core.TicketStatus
import uniffi.giliran_core.announcementText

/** How long the observer may take to hear a call after `callNext` returns. */
const val CALL_TO_OBSERVER_MILLIS = 1_000L

/** How long any other step may take. */
const val STEP_MILLIS = 10_000L

/** The whole scenario, so a hang fails instead of stalling the test run. */
const val SCENARIO_MILLIS = 120_000L

fun millisSince(startNanos: Long, atNanos: Long = System.nanoTime()): Long = (atNanos - startNanos) / 1_000_000

fun main(args: Array<String>) {
    if (args.size != 3) {
        System.err.println("usage: JvmScenarioKt <server url> <admin password> <data dir>")
        exitProcess(2)
    }
    val watchdog = Thread {
        try {
            Thread.sleep(SCENARIO_MILLIS)
            System.err.println("FAIL: the scenario did not finish within $SCENARIO_MILLIS ms")
            Runtime.getRuntime().halt(3)
        } catch (_: InterruptedException) {
        }
    }
    watchdog.isDaemon = true
    watchdog.start()
    val code = try {
        scenario(serverUrl = args[0], adminPassword = args[1], dataDir = File(args[2]))
        consoleScenario(serverUrl = args[0], adminPassword = args[1], dataDir = File(args[2]))
        serverAddressScenario(serverUrl = args[0], dataDir = File(args[2]))
        println("PASS: Kotlin scenario")
        0
    } catch (e: Throwable) {
        System.err.println("FAIL: $e")
        e.printStackTrace()
        1
    }
    System.out.flush()
    // The core's threads (stream, runtime) must not keep the JVM alive.
    exitProcess(code)
}

fun scenario(serverUrl: String, adminPassword: String, dataDir: File) {
    val presenter = TicketPresenter(IndonesianTexts)
    val patientDir = File(dataDir, "patient").apply { mkdirs() }.path
    val staffDir = File(dataDir, "staff").apply { mkdirs() }.path

    step("announcement text")
    expectEqual(
        announcementText("id", null, "A-123", "Loket 2"),
        "Nomor antrean A seratus dua puluh tiga, silakan menuju Loket dua.",
        "Indonesian announcement",
    )
    expectThrows<GiliranException.Config>("announcing a number that is not one") {
        announcementText("id", null, "123", "Loket 2")
    }

    step("patient: services")
    val patient = PatientClient(serverUrl, patientDir)
    val services = patient.services()
    val umum = services.firstOrNull { it.code == "A" }
        ?: throw ScenarioFailure("no service A in ${services.map { it.code }}")
    expectEqual(umum.name, "Poli Umum", "service A's name")
    expect(umum.open) { "Poli Umum is closed: $umum" }
    expectEqual(patient.activeTicket(), null, "active ticket before taking one")

    step("patient: take a ticket in Poli Umum and track it")
    val observer = RecordingTicketObserver()
    val takeStarted = System.nanoTime()
    val taken = patient.takeTicket(umum.id, "Siti Rahayu", "0812-3456-7890")
    val takeMillis = millisSince(takeStarted)
    val tracking = patient.track(taken.id, observer)
    expectEqual(taken.status, TicketStatus.WAITING, "status of the new ticket")
    expectEqual(taken.serviceId, umum.id, "service of the new ticket")
    expect(taken.number.startsWith("A-")) { "ticket number ${taken.number}" }
    expectEqual(presenter.screen(taken).headline, "Nomor ${taken.number}", "headline")

    val first = observer.awaitTicket(STEP_MILLIS) { it.id == taken.id }
        ?: throw ScenarioFailure("no tracking state within $STEP_MILLIS ms: ${observer.history()}")
    val firstMillis = millisSince(takeStarted, first.atNanos)
    println("take ticket → first tracking state at the observer: $firstMillis ms (the take itself: $takeMillis ms)")
    expectEqual(first.ticket.status, TicketStatus.WAITING, "first tracked status")
    expectEqual(first.ticket.peopleAhead?.toLong(), 0L, "people ahead of the only ticket")
    val waiting = presenter.screen(first.ticket)
    println("   screen: $waiting")
    expectEqual(waiting.detail, "Anda berikutnya", "waiting detail")
    expectEqual(waiting.status, "Menunggu", "waiting status")

    step("staff: log in as admin, call next at Loket 1")
    val staff = StaffClient(serverUrl, staffDir)
    expectThrows<GiliranException.Api>("wrong password") { staff.login("admin", "not-the-password") }
        .also { expectEqual(it.code, "invalid_credentials", "error code of a wrong password") }
    val user = staff.login("admin", adminPassword)
    expect(user.isAdmin) { "admin is not an admin: $user" }
    val counters: List<CounterInfo> = staff.counters()
    val loket1 = counters.firstOrNull { it.number.toLong() == 1L }
        ?: throw ScenarioFailure("no counter 1 in $counters")
    expectEqual(loket1.name, "Loket 1", "counter 1's name")

    val queueObserver = RecordingQueueObserver()
    val queueTracking = staff.observeQueue(loket1.id, queueObserver)
    queueObserver.awaitQueue(STEP_MILLIS) { q -> q.waiting.any { it.id == taken.id } }
        ?: throw ScenarioFailure("the counter's queue never showed ${taken.number}: ${queueObserver.history()}")

    val called: TicketInfo = staff.callNext(loket1.id)
        ?: throw ScenarioFailure("call next found nobody waiting")
    val calledAt = System.nanoTime()
    expectEqual(called.id, taken.id, "the called ticket")
    expectEqual(called.status, TicketStatus.CALLED, "status after call next")

    val heard = observer.awaitTicket(CALL_TO_OBSERVER_MILLIS) {
        it.id == taken.id && it.status == TicketStatus.CALLED
    } ?: throw ScenarioFailure(
        "the observer did not hear the call within $CALL_TO_OBSERVER_MILLIS ms: ${observer.history()}",
    )
    println("call next → CALLED at the observer: ${millisSince(calledAt, heard.atNanos).coerceAtLeast(0)} ms")
    expectEqual(heard.ticket.counterNumber?.toLong(), 1L, "counter number of the call")
    val calledScreen = presenter.screen(heard.ticket)
    println("   screen: $calledScreen")
    expectEqual(calledScreen.detail, "Silakan menuju Loket 1", "called detail")
    expectEqual(calledScreen.status, "Dipanggil", "called status")
    // The notice comes with the state, in either order.
    observer.await(CALL_TO_OBSERVER_MILLIS) { it is Observed.Notice && it.notice is PatientNotice.Called }
        ?: throw ScenarioFailure("no Called notice within $CALL_TO_OBSERVER_MILLIS ms: ${observer.history()}")
    queueObserver.awaitQueue(STEP_MILLIS) { it.current?.id == taken.id }
        ?: throw ScenarioFailure("the counter's queue never showed the call: ${queueObserver.history()}")
    expectEqual(staff.lastCounter(), loket1.id, "the staff client's last counter")

    step("patient: reopen on the same data dir, offline")
    // A server that is not there: the active ticket must come from the local store.
    val reopened = PatientClient("http://127.0.0.1:9", patientDir)
    val active = reopened.activeTicket() ?: throw ScenarioFailure("no active ticket after reopening")
    expectEqual(active.id, taken.id, "active ticket after reopening")
    expectEqual(active.status, TicketStatus.CALLED, "stored status after reopening")
    expect(reopened.history().any { it.id == taken.id }) { "history lacks ${taken.number}" }
    expectThrows<GiliranException.Network>("services from a server that is not there") { reopened.services() }

    step("staff: complete")
    val done = staff.complete(loket1.id)
    expectEqual(done.status, TicketStatus.DONE, "status after complete")
    observer.awaitTicket(STEP_MILLIS) { it.id == taken.id && it.status == TicketStatus.DONE }
        ?: throw ScenarioFailure("the observer never saw DONE: ${observer.history()}")
    observer.await(STEP_MILLIS) { it is Observed.Notice && it.notice is PatientNotice.Finished }
        ?: throw ScenarioFailure("no Finished notice: ${observer.history()}")
    val finished = observer.notices().filterIsInstance<PatientNotice.Finished>()
    expectEqual(finished.map { it.status }, listOf(TicketStatus.DONE), "Finished notices")
    expectEqual(finished.single().number, taken.number, "number of the Finished notice")
    val calls = observer.notices().filterIsInstance<PatientNotice.Called>()
    expectEqual(calls.size, 1, "Called notices (${observer.notices()})")
    expectEqual(calls.single().counterNumber.toLong(), 1L, "counter of the Called notice")
    expectEqual(
        presenter.notification(calls.single()),
        TicketNotification("Nomor ${taken.number} dipanggil", "Silakan menuju Loket 1", urgent = true),
        "notification of the call",
    )
    expectEqual(patient.activeTicket(), null, "active ticket after completion")
    expectEqual(patient.history().firstOrNull { it.id == taken.id }?.status, TicketStatus.DONE, "history")
    tracking.stop()
    queueTracking.stop()

    step("typed errors")
    val unknownService = expectThrows<GiliranException.Api>("a ticket for an unknown service") {
        patient.takeTicket(UUID.randomUUID().toString(), null, null)
    }
    expectEqual(unknownService.code, "service_not_found", "error code of an unknown service")
    val badPhone = expectThrows<GiliranException.Api>("a ticket with a bad phone") {
        patient.takeTicket(umum.id, null, "not a phone")
    }
    expectEqual(badPhone.code, "invalid_field", "error code of a bad phone")
    expectEqual(badPhone.field, "phone", "field of a bad phone")
    expectThrows<GiliranException.Api>("complete with nobody called") { staff.complete(loket1.id) }
        .also { expectEqual(it.code, "no_current_ticket", "error code of complete with nobody called") }
    expectThrows<GiliranException.Config>("a server URL that is not one") { PatientClient("not a url", patientDir) }
    staff.logout()
    expectThrows<GiliranException.Api>("counters after logout") { staff.counters() }
        .also { expectEqual(it.code, "unauthorized", "error code after logout") }
}
