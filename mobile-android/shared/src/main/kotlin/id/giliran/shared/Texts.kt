// The sentences both apps build from the core's data (a ticket's status, people ahead, a
// notification, an error), in Indonesian and English. The fixed labels of the screens (buttons,
// titles, field names) live in each app's Android resources; these are the texts a presenter
// composes, kept here so the JVM checks read exactly what a patient or a nurse will read.
package id.giliran.shared

import uniffi.giliran_core.TicketStatus

/** The languages the apps speak; Indonesian first (the default), English second. */
enum class Language(val tag: String) {
    INDONESIAN("id"),
    ENGLISH("en"),
    ;

    val texts: Texts
        get() = when (this) {
            INDONESIAN -> IndonesianTexts
            ENGLISH -> EnglishTexts
        }

    companion object {
        /**
         * The language for a BCP 47 tag such as "en-GB" or "id": English for English, otherwise
         * Indonesian, which every patient of an Indonesian hospital reads.
         */
        fun fromTag(tag: String?): Language =
            if (tag != null && tag.trim().lowercase().substringBefore('-').substringBefore('_') == "en") {
                ENGLISH
            } else {
                INDONESIAN
            }
    }
}

/** One language's sentences. Counts arrive as [Long] because the core's are unsigned. */
interface Texts {
    val language: Language

    // Tickets.
    fun ticketHeadline(number: String): String
    fun status(status: TicketStatus): String
    fun peopleAhead(count: Long): String
    val etaSoon: String
    fun etaMinutes(minutes: Long): String
    fun etaHours(hours: Long, minutes: Long): String
    fun counterByNumber(number: Long): String
    fun goTo(counter: String?): String
    fun finished(status: TicketStatus): String
    val offline: String

    // Notifications.
    fun nearBody(peopleAhead: String): String
    fun calledTitle(number: String, again: Boolean): String
    fun transferredBody(from: String, to: String): String

    // Services.
    fun waiting(count: Long): String
    fun quotaLeft(count: Long): String
    val closed: String
    fun outsideHours(opensAt: String?, closesAt: String?): String
    val quotaUsedUp: String

    // The staff console.
    fun calledTo(number: String, counter: String): String
    val nobodyWaiting: String
    fun recalled(number: String): String
    fun completed(number: String): String
    fun skipped(number: String): String
    fun transferred(from: String, to: String): String
    val paused: String
    val resumed: String
    fun doneToday(count: Long): String
    fun skippedToday(count: Long): String
    val staleQueue: String

    // Errors.
    val errorNetwork: String
    val errorProtocol: String
    val errorStorage: String
    fun errorAddress(detail: String): String
    fun errorApi(code: String, field: String?): String?
}
