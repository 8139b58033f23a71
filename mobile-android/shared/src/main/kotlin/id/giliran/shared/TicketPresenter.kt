package id.giliran.shared

import uniffi.giliran_core.PatientNotice
import uniffi.giliran_core.TicketInfo
import uniffi.giliran_core.TicketStatus

/**
 * What the patient's ticket screen shows, in Indonesian, built from the core's [TicketInfo].
 * Plain Kotlin (no Android), so the JVM test checks it against a live server.
 */
data class TicketScreen(
    /** "Nomor A-007". */
    val headline: String,
    /** "Menunggu", "Dipanggil", … */
    val status: String,
    /** "3 orang di depan Anda" while waiting, "Silakan menuju Loket 2" when called. */
    val detail: String?,
    /** "Perkiraan ± 12 menit" while waiting, when the core has an estimate. */
    val eta: String?,
    /** The ticket is over: the app stops following it and offers a new one. */
    val finished: Boolean,
)

object TicketPresenter {
    fun screen(ticket: TicketInfo): TicketScreen =
        TicketScreen(
            headline = headline(ticket.number),
            status = statusLabel(ticket.status),
            detail = detail(ticket),
            eta = if (ticket.status == TicketStatus.WAITING) eta(ticket.etaSeconds?.toLong()) else null,
            finished = isFinished(ticket.status),
        )

    fun headline(number: String): String = "Nomor $number"

    fun statusLabel(status: TicketStatus): String =
        when (status) {
            TicketStatus.WAITING -> "Menunggu"
            TicketStatus.CALLED -> "Dipanggil"
            TicketStatus.DONE -> "Selesai"
            TicketStatus.SKIPPED -> "Dilewati"
            TicketStatus.CANCELLED -> "Dibatalkan"
            TicketStatus.TRANSFERRED -> "Dipindahkan"
            TicketStatus.EXPIRED -> "Kedaluwarsa"
        }

    fun isFinished(status: TicketStatus): Boolean =
        status != TicketStatus.WAITING && status != TicketStatus.CALLED

    /** The line under the number: people ahead while waiting, where to go when called. */
    fun detail(ticket: TicketInfo): String? =
        when (ticket.status) {
            TicketStatus.WAITING -> ticket.peopleAhead?.let { peopleAhead(it.toLong()) }
            TicketStatus.CALLED -> goTo(counterLabel(ticket.counterName, ticket.counterNumber?.toLong()))
            TicketStatus.DONE -> "Terima kasih, semoga lekas sembuh"
            TicketStatus.SKIPPED -> "Nomor Anda terlewat; silakan hubungi petugas"
            TicketStatus.CANCELLED -> "Antrean dibatalkan"
            TicketStatus.TRANSFERRED -> "Antrean Anda dipindahkan ke layanan lain"
            TicketStatus.EXPIRED -> "Antrean hari ini sudah berakhir"
        }

    fun peopleAhead(count: Long): String =
        if (count <= 0) "Anda berikutnya" else "$count orang di depan Anda"

    /** "Perkiraan ± 12 menit", rounded up to whole minutes; under a minute "Sebentar lagi". */
    fun eta(seconds: Long?): String? {
        if (seconds == null || seconds < 0) return null
        if (seconds < 60) return "Sebentar lagi"
        val minutes = (seconds + 59) / 60
        return if (minutes < 60) {
            "Perkiraan ± $minutes menit"
        } else {
            val hours = minutes / 60
            val rest = minutes % 60
            if (rest == 0L) "Perkiraan ± $hours jam" else "Perkiraan ± $hours jam $rest menit"
        }
    }

    /** The counter's own name ("Loket 2", "Ruang Gigi"), else "Loket" and its number. */
    fun counterLabel(name: String?, number: Long?): String? =
        name?.takeIf { it.isNotBlank() } ?: number?.let { "Loket $it" }

    fun goTo(counter: String?): String =
        if (counter == null) "Silakan menuju loket" else "Silakan menuju $counter"

    /** The text of a notification for a [PatientNotice]: title and body. */
    fun notification(notice: PatientNotice): Pair<String, String> =
        when (notice) {
            is PatientNotice.Near ->
                headline(notice.number) to
                    "Giliran Anda sebentar lagi: ${peopleAhead(notice.peopleAhead.toLong())}"
            is PatientNotice.Called -> {
                val title = if (notice.recalls.toLong() > 0) {
                    "${headline(notice.number)} dipanggil lagi"
                } else {
                    "${headline(notice.number)} dipanggil"
                }
                title to goTo(counterLabel(notice.counterName, notice.counterNumber.toLong()))
            }
            is PatientNotice.Transferred ->
                headline(notice.to) to "Nomor ${notice.from} dipindahkan; nomor baru Anda ${notice.to}"
            is PatientNotice.Finished ->
                headline(notice.number) to statusLabel(notice.status)
        }
}
