// The staff console and the patient app's state against a live server, through the shared
// module exactly as the apps use it: a patient takes a ticket; at Loket 1 the nurse calls,
// recalls, transfers it to Poli Gigi and pauses the counter; Loket 2 calls and skips the new
// ticket; the console's buttons and the patient's screens follow every step. Then the server
// address saved from what a patient types or scans. Run from JvmScenario.kt's main.
package id.giliran.shared

import java.io.File
import uniffi.giliran_core.GiliranException
import uniffi.giliran_core.PatientClient
import uniffi.giliran_core.PatientNotice
import uniffi.giliran_core.StaffClient
import uniffi.giliran_core.TicketStatus
import uniffi.giliran_core.serverAddressFromText

fun consoleScenario(serverUrl: String, adminPassword: String, dataDir: File) {
    val texts = IndonesianTexts
    val presenter = TicketPresenter(texts)
    val problems = ProblemPresenter(texts)

    step("console: the patient's service picker")
    val patient = PatientClient(serverUrl, File(dataDir, "console-patient").apply { mkdirs() }.path)
    val services = patient.services()
    val rows = ServicePresenter(texts).rows(services)
    val umum = rows.firstOrNull { it.code == "A" } ?: throw ScenarioFailure("no service A in $rows")
    expect(umum.canTake) { "Poli Umum cannot be taken: $umum" }
    expectEqual(umum.waiting, "Belum ada antrean", "Poli Umum's waiting count after the first scenario")

    step("console: the patient takes a ticket and follows it through the patient model")
    var patientState = PatientModel.update(PatientState(), PatientEvent.Opened(patient.activeTicket(), patient.history()))
    expectEqual(patientState.ticket, null, "a new phone's ticket")
    val taken = patient.takeTicket(umum.id, null, null)
    patientState = PatientModel.update(patientState, PatientEvent.TicketTaken(taken, patient.history()))
    expectEqual(PatientModel.ticketToFollow(patientState)?.id, taken.id, "the ticket to follow")
    val observer = RecordingTicketObserver()
    val tracking = patient.track(taken.id, observer)

    step("console: staff log in; the last counter opens again")
    val staff = StaffClient(serverUrl, File(dataDir, "staff").path)
    val user = staff.login("admin", adminPassword)
    val counters = staff.counters()
    var state = StaffModel.update(StaffState(), StaffEvent.LoggedIn(user, counters, staff.lastCounter()))
    state = StaffModel.update(state, StaffEvent.ServicesLoaded(services))
    val loket1 = counters.first { it.number == 1u }
    val loket2 = counters.first { it.number == 2u }
    expectEqual(state.counterId, loket1.id, "the counter opened (worked at last in the first scenario)")
    expectEqual(StaffModel.screen(state), StaffScreen.CONSOLE, "the screen after login")

    val queueObserver = RecordingQueueObserver()
    val watching = staff.observeQueue(loket1.id, queueObserver)
    /** Folds the queue observer's calls into the state until the console satisfies [predicate]. */
    fun awaitConsole(what: String, predicate: (ConsoleView) -> Boolean): ConsoleView {
        val deadline = System.nanoTime() + STEP_MILLIS * 1_000_000
        while (true) {
            StaffModel.console(state, texts)?.takeIf(predicate)?.let { return it }
            val left = (deadline - System.nanoTime()) / 1_000_000
            val event = if (left > 0) queueObserver.await(left) { true } else null
            when (event) {
                is Observed.Queue -> state = StaffModel.update(state, StaffEvent.QueueUpdated(event.queue))
                is Observed.Connection -> state = StaffModel.update(state, StaffEvent.Connection(event.online))
                null -> throw ScenarioFailure("the console never showed $what: ${StaffModel.console(state, texts)}")
                else -> {}
            }
        }
    }
    fun act(action: StaffAction, counterId: String = loket1.id, counterName: String = loket1.name, target: String? = null): String {
        state = StaffModel.update(state, StaffEvent.ActionStarted(action))
        expectEqual(StaffModel.console(state, texts)?.enabled ?: emptySet(), emptySet(), "buttons while $action runs")
        val outcome = StaffActions.perform(staff, counterId, counterName, action, target, state.queue?.current?.number, texts)
        state = StaffModel.update(state, StaffEvent.ActionDone(outcome))
        return outcome
    }
    /** Waits for what [predicate] matches, folding every ticket state passed on the way into
     *  the patient's model, as the app's feed does. */
    fun patientHears(what: String, predicate: (Observed) -> Boolean): Observed =
        observer.await(STEP_MILLIS) { event ->
            if (event is Observed.Ticket) patientState = PatientModel.update(patientState, PatientEvent.Tracked(event.ticket))
            predicate(event)
        } ?: throw ScenarioFailure("the patient never heard $what: ${observer.history()}")

    var console = awaitConsole("${taken.number} waiting") { view -> view.waiting.any { it.number == taken.number } }
    expectEqual(console.enabled, setOf(StaffAction.CALL_NEXT, StaffAction.PAUSE), "buttons with one patient waiting")
    expectEqual(console.counts.first(), "1 menunggu", "waiting count")

    step("console: call next")
    expectEqual(act(StaffAction.CALL_NEXT), "${taken.number} dipanggil ke Loket 1", "outcome of call next")
    console = awaitConsole("${taken.number} called") { it.current?.number == taken.number }
    expectEqual(
        console.enabled,
        setOf(StaffAction.CALL_NEXT, StaffAction.RECALL, StaffAction.COMPLETE, StaffAction.SKIP, StaffAction.TRANSFER, StaffAction.PAUSE),
        "buttons with a patient called",
    )
    expectEqual(console.current?.service, "A · Poli Umum", "the current patient's service")
    patientHears("the call") { it is Observed.Ticket && it.ticket.status == TicketStatus.CALLED }
    val calledScreen = presenter.screen(patientState.ticket ?: throw ScenarioFailure("no ticket in $patientState"))
    expectEqual(calledScreen.counter, "Loket 1", "the counter on the patient's screen")

    step("console: recall")
    expectEqual(act(StaffAction.RECALL), "${taken.number} dipanggil ulang", "outcome of recall")
    val recall = patientHears("the recall") { it is Observed.Notice && it.notice is PatientNotice.Called && it.notice.recalls == 1u }
    expectEqual(
        presenter.notification((recall as Observed.Notice).notice).title,
        "Nomor ${taken.number} dipanggil lagi",
        "notification of the recall",
    )

    step("console: transfer to Poli Gigi")
    val gigi = console.transferTargets.firstOrNull { it.code == "B" }
        ?: throw ScenarioFailure("Poli Gigi is no transfer target: ${console.transferTargets}")
    val moved = act(StaffAction.TRANSFER, target = gigi.id)
    expect(moved.startsWith("${taken.number} dipindahkan; nomor barunya B-")) { "outcome of transfer: $moved" }
    val transfer = patientHears("the transfer") { it is Observed.Notice && it.notice is PatientNotice.Transferred }
    val newNumber = ((transfer as Observed.Notice).notice as PatientNotice.Transferred).to
    expectEqual(moved, "${taken.number} dipindahkan; nomor barunya $newNumber", "the new number in the outcome")
    // The core tells the new ticket's state before the notice; patientHears folded it in.
    expectEqual(patientState.ticket?.number, newNumber, "the ticket on the patient's screen after the transfer")
    expectEqual(patientState.history.first().number, newNumber, "the new ticket heads the history")
    expectEqual(PatientModel.ticketToFollow(patientState)?.number, newNumber, "the ticket followed after the transfer")
    console = awaitConsole("nobody called after the transfer") { it.current == null }
    expect(StaffAction.RECALL !in console.enabled && StaffAction.TRANSFER !in console.enabled) { "buttons: ${console.enabled}" }

    step("console: pause and resume Loket 1")
    expectEqual(act(StaffAction.PAUSE), texts.paused, "outcome of pause")
    console = awaitConsole("the pause") { it.paused }
    expectEqual(console.enabled, setOf(StaffAction.RESUME), "buttons while paused with nobody waiting")
    expectEqual(console.pausedNote, texts.paused, "the paused note")
    val paused = expectThrows<GiliranException.Api>("call next while paused") { staff.callNext(loket1.id) }
    expectEqual(problems.problem(paused).message, "Loket sedang dijeda.", "the message of a paused counter")
    expectEqual(act(StaffAction.RESUME), texts.resumed, "outcome of resume")
    awaitConsole("the counter open again") { !it.paused }
    watching.stop()

    step("console: Loket 2 calls the transferred patient, who does not come")
    expectEqual(
        act(StaffAction.CALL_NEXT, loket2.id, loket2.name),
        "$newNumber dipanggil ke Loket 2",
        "outcome of call next at Loket 2",
    )
    patientHears("the call to Loket 2") { it is Observed.Ticket && it.ticket.number == newNumber && it.ticket.status == TicketStatus.CALLED }
    expectEqual(presenter.screen(patientState.ticket!!).detail, "Silakan menuju Loket 2", "where the patient goes")
    expectEqual(act(StaffAction.SKIP, loket2.id, loket2.name), "$newNumber dilewati (tidak hadir)", "outcome of skip")
    val end = patientHears("the skip") { it is Observed.Notice && it.notice is PatientNotice.Finished }
    expectEqual(((end as Observed.Notice).notice as PatientNotice.Finished).status, TicketStatus.SKIPPED, "how the visit ended")
    // Its state came before the notice, and is on the patient's screen.
    expectEqual(patientState.ticket?.status, TicketStatus.SKIPPED, "the status on the patient's screen")
    expectEqual(presenter.visitEnded(patientState.ticket!!)?.body, texts.finished(TicketStatus.SKIPPED), "the end of the visit")
    expectEqual(PatientModel.ticketToFollow(patientState), null, "a skipped ticket is no longer followed")
    patientState = PatientModel.update(patientState, PatientEvent.Dismissed)
    expectEqual(patientState.ticket, null, "the patient moves on to a new ticket")
    expectEqual(staff.lastCounter(), loket2.id, "the counter worked at last")
    expectEqual(StaffActions.initialCounter(counters.map { it.id }, staff.lastCounter()), loket2.id, "the counter opened next time")
    tracking.stop()
    staff.logout()
}

fun serverAddressScenario(serverUrl: String, dataDir: File) {
    step("settings: the server address from a poster's QR code or typed")
    val base = serverUrl.trimEnd('/') + "/"
    val file = ServerAddressFile(File(dataDir, "settings/server-address"))
    expectEqual(file.read(), null, "the address before setup")
    expectEqual(file.save("  ${base}?from=poster#loket "), base, "the address read from the poster's link")
    expectEqual(file.read(), base, "the saved address")
    val services = PatientClient(file.read()!!, File(dataDir, "settings-patient").path).services()
    expect(services.isNotEmpty()) { "the saved address serves no services" }
    val refused = expectThrows<GiliranException.Config>("an address that names no web server") {
        file.save("ftp://antrean.rsud.example")
    }
    expect(ProblemPresenter().problem(refused).message.startsWith("Alamat server tidak dapat dipakai")) {
        "the message of a refused address: ${refused.detail}"
    }
    expectEqual(file.read(), base, "a refused address keeps the previous one")
    expectEqual(serverAddressFromText("192.168.1.10:8080"), "http://192.168.1.10:8080/", "a typed LAN address")
}
