// The one place the core's ticket observer reports to, for the whole process: the tracking
// service and the ticket screen both read it, so a ticket is followed once however many screens
// show it.
package id.giliran.patient.tracking

import kotlinx.coroutines.channels.BufferOverflow
import kotlinx.coroutines.flow.MutableSharedFlow
import kotlinx.coroutines.flow.MutableStateFlow
import kotlinx.coroutines.flow.SharedFlow
import kotlinx.coroutines.flow.StateFlow
import kotlinx.coroutines.flow.asSharedFlow
import kotlinx.coroutines.flow.asStateFlow
import uniffi.giliran_core.PatientNotice
import uniffi.giliran_core.TicketInfo
import uniffi.giliran_core.TicketObserver

/** What the core told about the followed ticket, in the order it told it. */
sealed interface TrackerEvent {
    data class Ticket(val ticket: TicketInfo) : TrackerEvent

    data class Notice(val notice: PatientNotice) : TrackerEvent
}

/**
 * Called on a core thread; it only writes into flows, which are safe from any thread and never
 * block it. Readers collect on the main thread, which is where the hop happens.
 */
class TicketFeed : TicketObserver {
    private val latest = MutableStateFlow<TicketInfo?>(null)
    private val connected = MutableStateFlow(true)

    // A burst of updates must not block the core's thread: the oldest ongoing update can go,
    // as each carries the whole state.
    private val ordered = MutableSharedFlow<TrackerEvent>(
        extraBufferCapacity = 64,
        onBufferOverflow = BufferOverflow.DROP_OLDEST,
    )

    /** The followed ticket as last told; null before the first report. */
    val ticket: StateFlow<TicketInfo?> = latest.asStateFlow()

    /** Whether the live connection is up. */
    val online: StateFlow<Boolean> = connected.asStateFlow()

    /** Tickets and notices in order, for the notifications. */
    val events: SharedFlow<TrackerEvent> = ordered.asSharedFlow()

    override fun onTicket(ticket: TicketInfo) {
        latest.value = ticket
        ordered.tryEmit(TrackerEvent.Ticket(ticket))
    }

    override fun onNotice(notice: PatientNotice) {
        ordered.tryEmit(TrackerEvent.Notice(notice))
    }

    override fun onConnection(online: Boolean) {
        connected.value = online
    }

    /** Forgets the previous ticket, before following another. */
    fun reset() {
        latest.value = null
        connected.value = true
    }
}
