// Checks of the shared module's presenters and state rules on made-up records, in both
// languages: no server and no native library needed. Run by tests/tests/kotlin.rs before the
// live scenario, and by `./gradlew :shared:check`; a failure prints "FAIL: …" and exits 1.
package id.giliran.shared.checks

import id.giliran.shared.EnglishTexts
import id.giliran.shared.IndonesianTexts
import id.giliran.shared.Language
import id.giliran.shared.PatientEvent
import id.giliran.shared.PatientModel
import id.giliran.shared.PatientState
import id.giliran.shared.ProblemPresenter
import id.giliran.shared.ServicePresenter
import id.giliran.shared.StaffAction
import id.giliran.shared.StaffActions
import id.giliran.shared.StaffEvent
import id.giliran.shared.StaffModel
import id.giliran.shared.StaffScreen
import id.giliran.shared.StaffState
import id.giliran.shared.TicketNotification
import id.giliran.shared.TicketPresenter
import id.giliran.shared.counter
import id.giliran.shared.expect
import id.giliran.shared.expectEqual
import id.giliran.shared.queue
import id.giliran.shared.service
import id.giliran.shared.step
import id.giliran.shared.ticket
import kotlin.system.exitProcess
import uniffi.giliran_core.GiliranException
import uniffi.giliran_core.PatientNotice
import uniffi.giliran_core.StaffUser
import uniffi.giliran_core.TicketStatus

fun main() {
    val checks = listOf(
        ::aWaitingTicketShowsPeopleAheadAndEta,
        ::etaIsRoundedUpToWholeMinutes,
        ::aCalledTicketNamesItsCounter,
        ::aFinishedTicketIsNoLongerFollowedOrCancellable,
        ::offlineIsSaidOnlyOfAnActiveTicket,
        ::noticesBecomeNotificationsThatRingWhenTheyMatter,
        ::theBackgroundFollowerStopsOnlyWhenTheVisitEnds,
        ::thePhonesLanguagePicksTheTexts,
        ::everyStatusHasWordsInBothLanguages,
        ::servicesSayWhetherATicketCanBeTaken,
        ::failuresBecomeSentences,
        ::thePatientModelKeepsTheLastKnownState,
        ::consoleButtonsFollowTheQueue,
        ::theLastCounterOpensAgain,
        ::theConsoleShowsTheQueueOfItsCounterOnly,
    )
    var failed = 0
    for (check in checks) {
        step(check.name)
        try {
            check()
        } catch (e: Throwable) {
            failed += 1
            System.err.println("FAIL: ${check.name}: $e")
        }
    }
    println("presenter checks: ${checks.size - failed} of ${checks.size} passed")
    exitProcess(if (failed == 0) 0 else 1)
}

val indonesian = TicketPresenter(IndonesianTexts)
val english = TicketPresenter(EnglishTexts)

fun aWaitingTicketShowsPeopleAheadAndEta() {
    val screen = indonesian.screen(ticket(number = "A-007", peopleAhead = 3, etaSeconds = 720))
    expectEqual(screen.number, "A-007", "big number")
    expectEqual(screen.headline, "Nomor A-007", "headline")
    expectEqual(screen.status, "Menunggu", "status")
    expectEqual(screen.detail, "3 orang di depan Anda", "people ahead")
    expectEqual(screen.eta, "Perkiraan ± 12 menit", "eta")
    expectEqual(screen.counter, null, "counter while waiting")
    expect(screen.cancellable && !screen.finished && !screen.called) { "a waiting ticket: $screen" }
    expectEqual(indonesian.screen(ticket(peopleAhead = 0)).detail, "Anda berikutnya", "next in line")
    expectEqual(english.screen(ticket(peopleAhead = 1)).detail, "1 person ahead of you", "one ahead (en)")
    expectEqual(english.screen(ticket(peopleAhead = 0)).detail, "You are next", "next in line (en)")
    expectEqual(indonesian.screen(ticket(peopleAhead = null, etaSeconds = null)).eta, null, "no estimate")
}

fun etaIsRoundedUpToWholeMinutes() {
    val cases = listOf(
        0L to "Sebentar lagi",
        59L to "Sebentar lagi",
        60L to "Perkiraan ± 1 menit",
        61L to "Perkiraan ± 2 menit",
        3540L to "Perkiraan ± 59 menit",
        3600L to "Perkiraan ± 1 jam",
        3660L to "Perkiraan ± 1 jam 1 menit",
    )
    for ((seconds, text) in cases) expectEqual(indonesian.eta(seconds), text, "eta of $seconds s")
    expectEqual(english.eta(61), "About 2 minutes", "eta (en)")
    expectEqual(english.eta(5400), "About 1 h 30 min", "eta in hours (en)")
    expectEqual(indonesian.eta(-1), null, "a negative estimate")
}

fun aCalledTicketNamesItsCounter() {
    val called = ticket(status = TicketStatus.CALLED, counterNumber = 2, counterName = "Ruang Gigi")
    val screen = indonesian.screen(called)
    expectEqual(screen.status, "Dipanggil", "status")
    expectEqual(screen.counter, "Ruang Gigi", "counter")
    expectEqual(screen.detail, "Silakan menuju Ruang Gigi", "where to go")
    expectEqual(screen.eta, null, "no estimate once called")
    expect(screen.called && !screen.cancellable) { "a called ticket: $screen" }
    val unnamed = ticket(status = TicketStatus.CALLED, counterNumber = 3, counterName = " ")
    expectEqual(indonesian.screen(unnamed).counter, "Loket 3", "a counter without a name")
    expectEqual(english.screen(unnamed).detail, "Please go to Counter 3", "a counter without a name (en)")
}

fun aFinishedTicketIsNoLongerFollowedOrCancellable() {
    for (status in listOf(TicketStatus.DONE, TicketStatus.SKIPPED, TicketStatus.CANCELLED, TicketStatus.EXPIRED)) {
        val screen = indonesian.screen(ticket(status = status))
        expect(screen.finished && !screen.cancellable && screen.eta == null) { "$status: $screen" }
    }
    expectEqual(indonesian.screen(ticket(status = TicketStatus.DONE)).detail, "Terima kasih, semoga lekas sembuh", "done")
    expect(!TicketPresenter.isFinished(TicketStatus.CALLED)) { "a called ticket is still followed" }
}

fun offlineIsSaidOnlyOfAnActiveTicket() {
    expectEqual(
        indonesian.screen(ticket(), online = false).offlineNote,
        "Tidak terhubung: menampilkan keadaan terakhir yang diketahui",
        "offline note",
    )
    expectEqual(indonesian.screen(ticket(), online = true).offlineNote, null, "online")
    expectEqual(indonesian.screen(ticket(status = TicketStatus.DONE), online = false).offlineNote, null, "finished")
}

fun noticesBecomeNotificationsThatRingWhenTheyMatter() {
    expectEqual(
        indonesian.notification(PatientNotice.Near("A-007", 2u)),
        TicketNotification("Nomor A-007", "Giliran Anda sebentar lagi: 2 orang di depan Anda", urgent = true),
        "near",
    )
    expectEqual(
        indonesian.notification(PatientNotice.Called("A-007", 2u, "Loket 2", 0u)),
        TicketNotification("Nomor A-007 dipanggil", "Silakan menuju Loket 2", urgent = true),
        "called",
    )
    expectEqual(
        english.notification(PatientNotice.Called("A-007", 2u, "", 1u)),
        TicketNotification("Number A-007 is called again", "Please go to Counter 2", urgent = true),
        "recalled (en)",
    )
    expectEqual(
        indonesian.notification(PatientNotice.Transferred("A-007", "C-002")).body,
        "Nomor A-007 dipindahkan; nomor baru Anda C-002",
        "transferred",
    )
    expect(!indonesian.notification(PatientNotice.Finished("A-007", TicketStatus.DONE)).urgent) {
        "the end of a visit must not ring"
    }
    val ongoing = indonesian.ongoing(ticket(peopleAhead = 3, etaSeconds = 600))
    expectEqual(ongoing.body, "Menunggu · 3 orang di depan Anda · Perkiraan ± 10 menit", "ongoing notification")
}

fun theBackgroundFollowerStopsOnlyWhenTheVisitEnds() {
    for (status in listOf(TicketStatus.WAITING, TicketStatus.CALLED, TicketStatus.TRANSFERRED)) {
        expectEqual(indonesian.visitEnded(ticket(status = status)), null, "$status ends the visit")
    }
    expectEqual(
        indonesian.visitEnded(ticket(number = "A-007", status = TicketStatus.DONE)),
        TicketNotification("Nomor A-007", "Terima kasih, semoga lekas sembuh", urgent = false),
        "the end of a served visit",
    )
    expectEqual(indonesian.alert(PatientNotice.Finished("A-007", TicketStatus.DONE)), null, "the end is told from the ticket")
    expect(indonesian.alert(PatientNotice.Called("A-007", 1u, "Loket 1", 0u))?.urgent == true) { "a call rings" }
}

fun thePhonesLanguagePicksTheTexts() {
    val cases = listOf("en" to Language.ENGLISH, "en-GB" to Language.ENGLISH, "EN_us" to Language.ENGLISH,
        "id" to Language.INDONESIAN, "in" to Language.INDONESIAN, "jv" to Language.INDONESIAN, null to Language.INDONESIAN)
    for ((tag, language) in cases) expectEqual(Language.fromTag(tag), language, "language of $tag")
    expectEqual(Language.ENGLISH.texts.language, Language.ENGLISH, "English texts")
}

fun everyStatusHasWordsInBothLanguages() {
    for (texts in listOf(IndonesianTexts, EnglishTexts)) {
        for (status in TicketStatus.entries) {
            expect(texts.status(status).isNotBlank() && texts.finished(status).isNotBlank()) { "${texts.language} $status" }
        }
    }
    expect(TicketStatus.entries.map { IndonesianTexts.status(it) }.toSet().size == TicketStatus.entries.size) {
        "two statuses read the same"
    }
}

fun servicesSayWhetherATicketCanBeTaken() {
    val presenter = ServicePresenter(IndonesianTexts)
    val open = presenter.row(service(waiting = 4))
    expectEqual(open.waiting, "4 menunggu", "waiting")
    expectEqual(open.availability, null, "no quota")
    expect(open.canTake) { "an open service without quota" }
    val closed = presenter.row(service(open = false, quotaLeft = 10))
    expectEqual(closed.availability, "Tutup hari ini", "closed")
    expect(!closed.canTake) { "a closed service" }
    val early = presenter.row(service(accepting = false, hours = "07:00" to "14:00", quotaLeft = 10))
    expectEqual(early.availability, "Di luar jam layanan (07:00–14:00)", "outside its hours")
    expect(!early.canTake) { "a service outside its hours" }
    expectEqual(
        ServicePresenter(EnglishTexts).row(service(accepting = false)).availability,
        "Outside service hours",
        "outside hours without hours (en)",
    )
    val full = presenter.row(service(quotaLeft = 0))
    expectEqual(full.availability, "Kuota hari ini habis", "quota used up")
    expect(!full.canTake) { "a service without quota left" }
    expectEqual(presenter.row(service(quotaLeft = 12)).availability, "Sisa kuota hari ini: 12", "quota left")
    expectEqual(ServicePresenter(EnglishTexts).row(service(waiting = 0)).waiting, "Nobody waiting", "none waiting (en)")
}

fun failuresBecomeSentences() {
    val presenter = ProblemPresenter(IndonesianTexts)
    val active = presenter.problem(GiliranException.Api("active_ticket_exists", "patient already holds A-003", null))
    expectEqual(active.message, "Anda sudah memegang nomor antrean yang masih aktif.", "active ticket")
    expectEqual(active.code, "active_ticket_exists", "code kept")
    val phone = presenter.problem(GiliranException.Api("invalid_field", "phone: not a number", "phone"))
    expectEqual(phone.message, "Nomor telepon tidak valid.", "bad phone")
    val unknown = presenter.problem(GiliranException.Api("brand_new_code", "Something new", null))
    expectEqual(unknown.message, "Something new", "a code this app does not know shows the server's text")
    val network = presenter.problem(GiliranException.Network("connection refused"))
    expect(network.offline && !network.signedOut) { "network: $network" }
    val session = ProblemPresenter(EnglishTexts).problem(GiliranException.Api("unauthorized", "token expired", null))
    expect(session.signedOut) { "an ended session signs out" }
    expectEqual(session.message, "Your session ended. Please log in again.", "session (en)")
}

fun thePatientModelKeepsTheLastKnownState() {
    val waiting = ticket(number = "A-007")
    var state = PatientModel.update(PatientState(), PatientEvent.Opened(waiting, listOf(waiting)))
    expectEqual(PatientModel.ticketToFollow(state), waiting, "an active ticket is followed")
    state = PatientModel.update(state, PatientEvent.Requested)
    state = PatientModel.update(state, PatientEvent.Failed(ProblemPresenter().problem(GiliranException.Network("down"))))
    expect(!state.online && !state.busy && state.ticket == waiting) { "offline keeps the ticket: $state" }
    val called = ticket(number = "A-007", status = TicketStatus.CALLED, counterNumber = 1, counterName = "Loket 1")
    state = PatientModel.update(state, PatientEvent.Tracked(called))
    expectEqual(state.history, listOf(called), "history follows the tracked ticket")
    state = PatientModel.update(state, PatientEvent.Dismissed)
    expectEqual(state.ticket, called, "a called ticket cannot be dismissed")
    val moved = ticket(number = "C-002", id = "ticket-moved")
    state = PatientModel.update(state, PatientEvent.Tracked(moved))
    expectEqual(state.history.map { it.number }, listOf("C-002", "A-007"), "a transfer's new ticket heads the history")
    val done = ticket(number = "C-002", id = "ticket-moved", status = TicketStatus.DONE)
    state = PatientModel.update(state, PatientEvent.Tracked(done))
    expectEqual(PatientModel.ticketToFollow(state), null, "a finished ticket is not followed")
    state = PatientModel.update(state, PatientEvent.Dismissed)
    expectEqual(state.ticket, null, "a finished ticket is dismissed")
}

fun consoleButtonsFollowTheQueue() {
    val services = listOf(service("A"), service("B", "Poli Gigi"), service("C", "Poli Anak", open = false))
    val current = ticket(status = TicketStatus.CALLED, serviceId = "service-a")
    val empty = queue()
    expectEqual(StaffActions.enabled(empty, online = true, running = null, services), setOf(StaffAction.PAUSE), "nobody there")
    expectEqual(
        StaffActions.enabled(empty, online = false, running = null, services),
        setOf(StaffAction.CALL_NEXT, StaffAction.PAUSE),
        "a stale empty list still lets the nurse call",
    )
    val busy = queue(current = current, waiting = listOf(ticket(number = "A-008")))
    expectEqual(
        StaffActions.enabled(busy, online = true, running = null, services),
        setOf(StaffAction.CALL_NEXT, StaffAction.RECALL, StaffAction.COMPLETE, StaffAction.SKIP, StaffAction.TRANSFER, StaffAction.PAUSE),
        "a patient called and one waiting",
    )
    expectEqual(StaffActions.enabled(busy, online = true, running = StaffAction.CALL_NEXT, services), emptySet(), "while calling")
    val paused = queue(counter = counter(paused = true), current = current, waiting = listOf(ticket(number = "A-008")))
    val whilePaused = StaffActions.enabled(paused, online = true, running = null, services)
    expect(StaffAction.CALL_NEXT !in whilePaused && StaffAction.RESUME in whilePaused && StaffAction.COMPLETE in whilePaused) {
        "paused: $whilePaused"
    }
    expectEqual(StaffActions.transferTargets(busy, services).map { it.code }, listOf("B"), "open services but the current one")
    expect(StaffAction.TRANSFER !in StaffActions.enabled(busy, true, null, listOf(service("A")))) { "nowhere to transfer to" }
}

fun theLastCounterOpensAgain() {
    expectEqual(StaffActions.initialCounter(listOf("c1", "c2"), "c2"), "c2", "the last counter")
    expectEqual(StaffActions.initialCounter(listOf("c1", "c2"), "c9"), null, "a counter no longer allowed")
    expectEqual(StaffActions.initialCounter(listOf("c1"), null), "c1", "the only counter")
    expectEqual(StaffActions.initialCounter(listOf("c1", "c2"), null), null, "the picker asks")
}

fun theConsoleShowsTheQueueOfItsCounterOnly() {
    val user = StaffUser("perawat", "Perawat Rina", isAdmin = false, counters = listOf("counter-1", "counter-2"))
    var state = StaffModel.update(StaffState(), StaffEvent.Requested)
    expectEqual(StaffModel.screen(state), StaffScreen.LOGIN, "before login")
    state = StaffModel.update(state, StaffEvent.LoggedIn(user, listOf(counter(1), counter(2)), lastCounter = "counter-2"))
    expectEqual(StaffModel.screen(state), StaffScreen.CONSOLE, "the last counter opens at once")
    state = StaffModel.update(state, StaffEvent.ServicesLoaded(listOf(service("A"), service("B", "Poli Gigi"))))
    state = StaffModel.update(state, StaffEvent.QueueUpdated(queue(counter = counter(1), doneToday = 9)))
    expectEqual(state.queue, null, "another counter's queue is ignored")
    val current = ticket(number = "B-004", status = TicketStatus.CALLED, serviceId = "service-b", patientName = "Budi", recalls = 1)
    val waiting = listOf(ticket(number = "B-005", serviceId = "service-b"), ticket(number = "A-010"))
    state = StaffModel.update(state, StaffEvent.QueueUpdated(queue(counter(2), current, waiting, doneToday = 12, skippedToday = 1)))
    val console = StaffModel.console(state, IndonesianTexts) ?: throw AssertionError("no console")
    expectEqual(console.counterName, "Loket 2", "counter")
    expectEqual(console.current?.number, "B-004", "current number")
    expectEqual(console.current?.service, "B · Poli Gigi", "current service")
    expectEqual(console.current?.patientName, "Budi", "patient name")
    expectEqual(console.waiting.map { it.number to it.service }, listOf("B-005" to "B · Poli Gigi", "A-010" to "A · Poli Umum"), "waiting")
    expectEqual(console.counts, listOf("2 menunggu", "12 selesai hari ini", "1 dilewati hari ini"), "counts")
    expectEqual(console.staleNote, null, "online")
    state = StaffModel.update(state, StaffEvent.Connection(online = false))
    expectEqual(StaffModel.console(state, EnglishTexts)?.staleNote, "Disconnected from the server: the list may be out of date", "stale")
    state = StaffModel.update(state, StaffEvent.CounterLeft)
    expectEqual(StaffModel.screen(state), StaffScreen.COUNTER_PICKER, "leaving the counter")
    val ended = ProblemPresenter().problem(GiliranException.Api("unauthorized", "expired", null))
    state = StaffModel.update(state, StaffEvent.Failed(ended))
    expectEqual(StaffModel.screen(state), StaffScreen.LOGIN, "an ended session logs out")
    expectEqual(state.problem, ended, "and says why")
}
