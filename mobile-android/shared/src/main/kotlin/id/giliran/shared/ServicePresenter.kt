// The patient's service picker: one row per service the core lists, saying how many wait, how
// many tickets are left today, and whether a ticket can be taken at all.
package id.giliran.shared

import uniffi.giliran_core.ServiceInfo

/** One service as the picker shows it. */
data class ServiceRow(
    val id: String,
    /** "A", the ticket prefix, drawn as a badge. */
    val code: String,
    val name: String,
    /** "5 menunggu". */
    val waiting: String,
    /** "Sisa kuota hari ini: 12", "Kuota hari ini habis", "Tutup hari ini", "Di luar jam
     *  layanan (07:00–14:00)"; null when nothing limits it. */
    val availability: String?,
    /** A tap may take a ticket: the core says it is accepting, and quota is left. */
    val canTake: Boolean,
)

class ServicePresenter(val texts: Texts = IndonesianTexts) {
    fun rows(services: List<ServiceInfo>): List<ServiceRow> = services.map(::row)

    fun row(service: ServiceInfo): ServiceRow {
        val quotaLeft = service.quotaLeft?.toLong()
        val usedUp = quotaLeft != null && quotaLeft <= 0
        return ServiceRow(
            id = service.id,
            code = service.code,
            name = service.name,
            waiting = texts.waiting(service.waiting.toLong()),
            availability = when {
                !service.open -> texts.closed
                !service.accepting -> texts.outsideHours(service.opensAt, service.closesAt)
                usedUp -> texts.quotaUsedUp
                quotaLeft != null -> texts.quotaLeft(quotaLeft)
                else -> null
            },
            canTake = service.accepting && !usedUp,
        )
    }
}
