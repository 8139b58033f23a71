// What the patient's ticket screen and notifications show, built from the core's TicketInfo and
// PatientNotice in one language. Plain Kotlin (no Android), so the JVM checks read exactly what
// the patient reads.
package id.giliran.shared

import uniffi.giliran_core.PatientNotice
import uniffi.giliran_core.TicketInfo
import uniffi.giliran_core.TicketStatus

/** The ticket screen, ready to draw. */
data class TicketScreen(
    /** "A-007", drawn big. */
    val number: String,
    /** "Nomor A-007", for the notification title and the screen reader. */
    val headline: String,
    /** "Menunggu", "Dipanggil", … */
    val status: String,
    /** "3 orang di depan Anda" while waiting, "Silakan menuju Loket 2" when called, a closing
     *  word once finished. */
    val detail: String?,
    /** "Perkiraan ± 12 menit" while waiting, when the core has an estimate. */
    val eta: String?,
    /** The counter to go to, once called ("Loket 2", "Ruang Gigi"). */
    val counter: String?,
    /** Called: the screen turns to its call colours. */
    val called: Boolean,
    /** The patient may still withdraw it. */
    val cancellable: Boolean,
    /** The ticket is over: the app stops following it and offers a new one. */
    val finished: Boolean,
    /** Shown while the live connection is down: what is on screen is the last known state. */
    val offlineNote: String?,
)

/** A notification to post: [urgent] ones ring and vibrate on the high-importance channel. */
data class TicketNotification(val title: String, val body: String, val urgent: Boolean)

class TicketPresenter(val texts: Texts = IndonesianTexts) {
    fun screen(ticket: TicketInfo, online: Boolean = true): TicketScreen {
        val counter = if (ticket.status == TicketStatus.CALLED) counterOf(ticket) else null
        return TicketScreen(
            number = ticket.number,
            headline = texts.ticketHeadline(ticket.number),
            status = texts.status(ticket.status),
            detail = detail(ticket, counter),
            eta = if (ticket.status == TicketStatus.WAITING) eta(ticket.etaSeconds?.toLong()) else null,
            counter = counter,
            called = ticket.status == TicketStatus.CALLED,
            cancellable = ticket.status == TicketStatus.WAITING,
            finished = !ticket.active,
            offlineNote = if (online || !ticket.active) null else texts.offline,
        )
    }

    /** "Perkiraan ± 12 menit", rounded up to whole minutes; under a minute "Sebentar lagi". */
    fun eta(seconds: Long?): String? {
        if (seconds == null || seconds < 0) return null
        if (seconds < 60) return texts.etaSoon
        val minutes = (seconds + 59) / 60
        return if (minutes < 60) texts.etaMinutes(minutes) else texts.etaHours(minutes / 60, minutes % 60)
    }

    /** The counter's own name ("Loket 2", "Ruang Gigi"), else the word for counter and its number. */
    fun counterLabel(name: String?, number: Long?): String? =
        name?.takeIf { it.isNotBlank() } ?: number?.let { texts.counterByNumber(it) }

    /** The ongoing notification of the tracking service: the ticket at a glance. */
    fun ongoing(ticket: TicketInfo): TicketNotification {
        val screen = screen(ticket)
        val body = listOfNotNull(screen.status, screen.detail, screen.eta).distinct().joinToString(" · ")
        return TicketNotification(screen.headline, body, urgent = false)
    }

    /** The notification for a [PatientNotice]: the turn near, a call, a transfer ring; the end does not. */
    fun notification(notice: PatientNotice): TicketNotification =
        when (notice) {
            is PatientNotice.Near ->
                TicketNotification(
                    texts.ticketHeadline(notice.number),
                    texts.nearBody(texts.peopleAhead(notice.peopleAhead.toLong())),
                    urgent = true,
                )
            is PatientNotice.Called ->
                TicketNotification(
                    texts.calledTitle(notice.number, again = notice.recalls.toLong() > 0),
                    texts.goTo(counterLabel(notice.counterName, notice.counterNumber.toLong())),
                    urgent = true,
                )
            is PatientNotice.Transferred ->
                TicketNotification(
                    texts.ticketHeadline(notice.to),
                    texts.transferredBody(notice.from, notice.to),
                    urgent = true,
                )
            is PatientNotice.Finished ->
                TicketNotification(
                    texts.ticketHeadline(notice.number),
                    texts.finished(notice.status),
                    urgent = false,
                )
        }

    /**
     * What to post for a notice heard while following a ticket in the background, or null: the
     * end of a visit is told from the ticket itself ([visitEnded]), because the follower stops
     * there and a notice after it would be lost.
     */
    fun alert(notice: PatientNotice): TicketNotification? =
        if (notice is PatientNotice.Finished) null else notification(notice)

    /**
     * The quiet notification that ends a visit, when [ticket] is served, skipped, cancelled or
     * expired; null while it goes on. A transferred ticket goes on: its new ticket follows.
     */
    fun visitEnded(ticket: TicketInfo): TicketNotification? =
        if (!ticket.active && ticket.status != TicketStatus.TRANSFERRED) {
            notification(PatientNotice.Finished(ticket.number, ticket.status))
        } else {
            null
        }

    private fun counterOf(ticket: TicketInfo): String? =
        counterLabel(ticket.counterName, ticket.counterNumber?.toLong())

    /** The line under the number: people ahead while waiting, where to go when called. */
    private fun detail(ticket: TicketInfo, counter: String?): String? =
        when (ticket.status) {
            TicketStatus.WAITING -> ticket.peopleAhead?.let { texts.peopleAhead(it.toLong()) }
            TicketStatus.CALLED -> texts.goTo(counter)
            else -> texts.finished(ticket.status)
        }

    companion object {
        /**
         * Waiting and called tickets are followed; every other status is the end of the story.
         * For a [TicketInfo], its `active` (the core's word) says the same; a notice has only
         * the status.
         */
        fun isFinished(status: TicketStatus): Boolean =
            status != TicketStatus.WAITING && status != TicketStatus.CALLED
    }
}
