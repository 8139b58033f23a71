// The patient app's state and how each thing that happens changes it: opening, the service list
// arriving, a ticket taken, the core's tracking updates, failures. Pure functions, so the screen
// logic runs on the JVM; the app's ViewModel only runs the core's calls and feeds their results
// here.
package id.giliran.shared

import uniffi.giliran_core.ServiceInfo
import uniffi.giliran_core.TicketInfo

/** Everything the patient app knows at one moment. */
data class PatientState(
    /** The last service list the server gave (kept while offline). */
    val services: List<ServiceInfo> = emptyList(),
    /** The ticket being shown: the active one, or one just finished until the patient moves on. */
    val ticket: TicketInfo? = null,
    /** Every ticket taken on this phone, newest first. */
    val history: List<TicketInfo> = emptyList(),
    /** Whether the server answered last time (false: the screens say they show the last known state). */
    val online: Boolean = true,
    /** A request is running: its button shows progress and does not take a second tap. */
    val busy: Boolean = false,
    /** The last failure, until the patient dismisses it or something succeeds. */
    val problem: Problem? = null,
)

/** What can happen to the patient app. */
sealed interface PatientEvent {
    /** The app opened: the core's local store had this active ticket (or none) and history. */
    data class Opened(val active: TicketInfo?, val history: List<TicketInfo>) : PatientEvent

    data object Requested : PatientEvent

    data class ServicesLoaded(val services: List<ServiceInfo>) : PatientEvent

    data class TicketTaken(val ticket: TicketInfo, val history: List<TicketInfo>) : PatientEvent

    /** The tracking observer heard the ticket's state (possibly a new ticket after a transfer). */
    data class Tracked(val ticket: TicketInfo) : PatientEvent

    data class Connection(val online: Boolean) : PatientEvent

    data class Cancelled(val ticket: TicketInfo) : PatientEvent

    data class HistoryLoaded(val history: List<TicketInfo>) : PatientEvent

    data class Failed(val problem: Problem) : PatientEvent

    /** The patient closed a finished ticket, to take a new one. */
    data object Dismissed : PatientEvent

    data object ProblemSeen : PatientEvent
}

object PatientModel {
    fun update(state: PatientState, event: PatientEvent): PatientState =
        when (event) {
            is PatientEvent.Opened -> state.copy(ticket = event.active, history = event.history)
            PatientEvent.Requested -> state.copy(busy = true, problem = null)
            is PatientEvent.ServicesLoaded -> state.copy(services = event.services, online = true, busy = false)
            is PatientEvent.TicketTaken ->
                state.copy(ticket = event.ticket, history = event.history, online = true, busy = false, problem = null)
            is PatientEvent.Tracked -> state.copy(ticket = event.ticket, history = withTicket(state.history, event.ticket))
            is PatientEvent.Connection -> state.copy(online = event.online)
            is PatientEvent.Cancelled ->
                state.copy(ticket = event.ticket, history = withTicket(state.history, event.ticket), busy = false)
            is PatientEvent.HistoryLoaded -> state.copy(history = event.history)
            is PatientEvent.Failed ->
                state.copy(busy = false, problem = event.problem, online = if (event.problem.offline) false else state.online)
            PatientEvent.Dismissed ->
                if (state.ticket?.active == false) state.copy(ticket = null) else state
            PatientEvent.ProblemSeen -> state.copy(problem = null)
        }

    /** The ticket to follow in the background: one still waiting or called. */
    fun ticketToFollow(state: PatientState): TicketInfo? = state.ticket?.takeIf { it.active }

    /** The history with [ticket]'s newest state in place (or first, when it is new to the list). */
    private fun withTicket(history: List<TicketInfo>, ticket: TicketInfo): List<TicketInfo> =
        if (history.any { it.id == ticket.id }) {
            history.map { if (it.id == ticket.id) ticket else it }
        } else {
            listOf(ticket) + history
        }
}
