// The staff app's state and how each thing that happens changes it, and the console as it is
// drawn: the current patient, who waits, today's counts, which buttons work. Pure functions, so
// the console's logic runs on the JVM; the ViewModel only runs the core's calls.
package id.giliran.shared

import uniffi.giliran_core.CounterInfo
import uniffi.giliran_core.CounterQueueInfo
import uniffi.giliran_core.ServiceInfo
import uniffi.giliran_core.StaffUser

data class StaffState(
    val user: StaffUser? = null,
    val counters: List<CounterInfo> = emptyList(),
    /** The counter worked at; null while the picker is shown. */
    val counterId: String? = null,
    val queue: CounterQueueInfo? = null,
    /** For transfer targets and the services' names in the lists. */
    val services: List<ServiceInfo> = emptyList(),
    val online: Boolean = true,
    /** A login or lookup is running. */
    val busy: Boolean = false,
    /** The console action running now. */
    val running: StaffAction? = null,
    /** The sentence confirming the last action ("A-002 dipanggil ke Loket 1"). */
    val outcome: String? = null,
    val problem: Problem? = null,
)

sealed interface StaffEvent {
    data object Requested : StaffEvent

    data class LoggedIn(val user: StaffUser, val counters: List<CounterInfo>, val lastCounter: String?) : StaffEvent

    data class ServicesLoaded(val services: List<ServiceInfo>) : StaffEvent

    data class CounterPicked(val counterId: String) : StaffEvent

    /** Back to the picker, to work at another counter. */
    data object CounterLeft : StaffEvent

    data class QueueUpdated(val queue: CounterQueueInfo) : StaffEvent

    data class Connection(val online: Boolean) : StaffEvent

    data class ActionStarted(val action: StaffAction) : StaffEvent

    data class ActionDone(val outcome: String) : StaffEvent

    data class Failed(val problem: Problem) : StaffEvent

    data object LoggedOut : StaffEvent

    data object MessagesSeen : StaffEvent
}

/** The screen the staff app shows for a state. */
enum class StaffScreen { LOGIN, COUNTER_PICKER, CONSOLE }

/** The current patient at the counter. */
data class CurrentTicket(val number: String, val service: String?, val patientName: String?, val recalls: Long)

/** One waiting patient: number and the service they wait for. */
data class WaitingRow(val id: String, val number: String, val service: String?)

/** The console, ready to draw. */
data class ConsoleView(
    val counterName: String,
    val paused: Boolean,
    /** "Loket dijeda …" while paused. */
    val pausedNote: String?,
    val current: CurrentTicket?,
    val waiting: List<WaitingRow>,
    /** "5 menunggu", "12 selesai hari ini", "1 dilewati hari ini". */
    val counts: List<String>,
    val enabled: Set<StaffAction>,
    val transferTargets: List<ServiceInfo>,
    /** Shown while the live connection is down. */
    val staleNote: String?,
)

object StaffModel {
    fun update(state: StaffState, event: StaffEvent): StaffState =
        when (event) {
            StaffEvent.Requested -> state.copy(busy = true, problem = null)
            is StaffEvent.LoggedIn -> state.copy(
                user = event.user,
                counters = event.counters,
                counterId = StaffActions.initialCounter(event.counters.map { it.id }, event.lastCounter),
                busy = false,
                problem = null,
                online = true,
            )
            is StaffEvent.ServicesLoaded -> state.copy(services = event.services)
            is StaffEvent.CounterPicked -> state.copy(counterId = event.counterId, queue = null, outcome = null)
            StaffEvent.CounterLeft -> state.copy(counterId = null, queue = null, outcome = null)
            // A late update of a counter just left must not come back on screen.
            is StaffEvent.QueueUpdated ->
                if (event.queue.counter.id == state.counterId) state.copy(queue = event.queue) else state
            is StaffEvent.Connection -> state.copy(online = event.online)
            is StaffEvent.ActionStarted -> state.copy(running = event.action, outcome = null, problem = null)
            is StaffEvent.ActionDone -> state.copy(running = null, outcome = event.outcome)
            is StaffEvent.Failed ->
                if (event.problem.signedOut) {
                    StaffState(problem = event.problem)
                } else {
                    state.copy(busy = false, running = null, problem = event.problem)
                }
            StaffEvent.LoggedOut -> StaffState()
            StaffEvent.MessagesSeen -> state.copy(outcome = null, problem = null)
        }

    fun screen(state: StaffState): StaffScreen =
        when {
            state.user == null -> StaffScreen.LOGIN
            state.counterId == null -> StaffScreen.COUNTER_PICKER
            else -> StaffScreen.CONSOLE
        }

    /** The console for the counter being worked at; null until its queue first arrives. */
    fun console(state: StaffState, texts: Texts): ConsoleView? {
        val queue = state.queue ?: return null
        val serviceCodes = state.services.associate { it.id to "${it.code} · ${it.name}" }
        val paused = queue.counter.paused
        return ConsoleView(
            counterName = queue.counter.name,
            paused = paused,
            pausedNote = if (paused) texts.paused else null,
            current = queue.current?.let {
                CurrentTicket(it.number, serviceCodes[it.serviceId], it.patientName, it.recalls.toLong())
            },
            waiting = queue.waiting.map { WaitingRow(it.id, it.number, serviceCodes[it.serviceId]) },
            counts = listOf(
                texts.waiting(queue.waiting.size.toLong()),
                texts.doneToday(queue.doneToday.toLong()),
                texts.skippedToday(queue.skippedToday.toLong()),
            ),
            enabled = StaffActions.enabled(queue, state.online, state.running, state.services),
            transferTargets = StaffActions.transferTargets(queue, state.services),
            staleNote = if (state.online) null else texts.staleQueue,
        )
    }
}
