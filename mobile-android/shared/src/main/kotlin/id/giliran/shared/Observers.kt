// Observers of the core that record what they hear, in order, for a thread that waits on them:
// the JVM scenario's checks, or any screen that reads the core's callbacks from its own thread.
package id.giliran.shared

import java.util.concurrent.BlockingQueue
import java.util.concurrent.LinkedBlockingQueue
import java.util.concurrent.TimeUnit
import uniffi.giliran_core.CounterQueueInfo
import uniffi.giliran_core.PatientNotice
import uniffi.giliran_core.QueueObserver
import uniffi.giliran_core.TicketInfo
import uniffi.giliran_core.TicketObserver

/** One call of an observer, with the moment it arrived ([System.nanoTime]). */
sealed class Observed {
    abstract val atNanos: Long

    data class Ticket(val ticket: TicketInfo, override val atNanos: Long) : Observed()

    data class Notice(val notice: PatientNotice, override val atNanos: Long) : Observed()

    data class Queue(val queue: CounterQueueInfo, override val atNanos: Long) : Observed()

    data class Connection(val online: Boolean, override val atNanos: Long) : Observed()
}

/**
 * Keeps every call of an observer in a [BlockingQueue], in order, for a thread that waits on
 * it: a screen's own thread, or a test. The core calls observers from a thread of its own, so
 * they only record here and never block.
 */
open class Recorder {
    val events: BlockingQueue<Observed> = LinkedBlockingQueue()

    /** Everything seen so far, in order, including what [await] has taken. */
    private val seen = java.util.Collections.synchronizedList(mutableListOf<Observed>())

    protected fun record(event: Observed) {
        seen.add(event)
        events.add(event)
    }

    fun history(): List<Observed> = synchronized(seen) { seen.toList() }

    /**
     * Takes events until one matches [predicate], within [timeoutMillis]; returns it, or null
     * when none came in time. Events taken before it stay in [history].
     */
    fun await(timeoutMillis: Long, predicate: (Observed) -> Boolean): Observed? {
        val deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMillis)
        while (true) {
            val left = deadline - System.nanoTime()
            if (left <= 0) return null
            val event = events.poll(left, TimeUnit.NANOSECONDS) ?: return null
            if (predicate(event)) return event
        }
    }
}

/** A [TicketObserver] that records into a queue. */
class RecordingTicketObserver : Recorder(), TicketObserver {
    override fun onTicket(ticket: TicketInfo) = record(Observed.Ticket(ticket, System.nanoTime()))

    override fun onNotice(notice: PatientNotice) = record(Observed.Notice(notice, System.nanoTime()))

    override fun onConnection(online: Boolean) = record(Observed.Connection(online, System.nanoTime()))

    fun awaitTicket(timeoutMillis: Long, predicate: (TicketInfo) -> Boolean): Observed.Ticket? =
        await(timeoutMillis) { it is Observed.Ticket && predicate(it.ticket) } as Observed.Ticket?

    fun notices(): List<PatientNotice> = history().filterIsInstance<Observed.Notice>().map { it.notice }
}

/** A [QueueObserver] that records into a queue. */
class RecordingQueueObserver : Recorder(), QueueObserver {
    override fun onQueue(queue: CounterQueueInfo) = record(Observed.Queue(queue, System.nanoTime()))

    override fun onConnection(online: Boolean) = record(Observed.Connection(online, System.nanoTime()))

    fun awaitQueue(timeoutMillis: Long, predicate: (CounterQueueInfo) -> Boolean): Observed.Queue? =
        await(timeoutMillis) { it is Observed.Queue && predicate(it.queue) } as Observed.Queue?
}
