// The apps' composed sentences in English, for phones set to English.
package id.giliran.shared

import uniffi.giliran_core.TicketStatus

object EnglishTexts : Texts {
    override val language = Language.ENGLISH

    override fun ticketHeadline(number: String) = "Number $number"

    override fun status(status: TicketStatus) = when (status) {
        TicketStatus.WAITING -> "Waiting"
        TicketStatus.CALLED -> "Called"
        TicketStatus.DONE -> "Done"
        TicketStatus.SKIPPED -> "Skipped"
        TicketStatus.CANCELLED -> "Cancelled"
        TicketStatus.TRANSFERRED -> "Transferred"
        TicketStatus.EXPIRED -> "Expired"
    }

    override fun peopleAhead(count: Long) = when {
        count <= 0 -> "You are next"
        count == 1L -> "1 person ahead of you"
        else -> "$count people ahead of you"
    }

    override val etaSoon = "Any moment now"

    override fun etaMinutes(minutes: Long) = if (minutes == 1L) "About 1 minute" else "About $minutes minutes"

    override fun etaHours(hours: Long, minutes: Long) =
        if (minutes == 0L) "About $hours h" else "About $hours h $minutes min"

    override fun counterByNumber(number: Long) = "Counter $number"

    override fun goTo(counter: String?) = if (counter == null) "Please go to the counter" else "Please go to $counter"

    override fun finished(status: TicketStatus) = when (status) {
        TicketStatus.DONE -> "Thank you, get well soon"
        TicketStatus.SKIPPED -> "Your number was missed; please ask the staff"
        TicketStatus.CANCELLED -> "Ticket cancelled"
        TicketStatus.TRANSFERRED -> "Your ticket moved to another service"
        TicketStatus.EXPIRED -> "Today's queue has ended"
        TicketStatus.WAITING, TicketStatus.CALLED -> status(status)
    }

    override val offline = "Offline: showing the last known state"

    override fun nearBody(peopleAhead: String) = "Your turn is near: $peopleAhead"

    override fun calledTitle(number: String, again: Boolean) =
        if (again) "${ticketHeadline(number)} is called again" else "${ticketHeadline(number)} is called"

    override fun transferredBody(from: String, to: String) = "Number $from moved; your new number is $to"

    override fun waiting(count: Long) = if (count <= 0) "Nobody waiting" else "$count waiting"

    override fun quotaLeft(count: Long) = if (count == 1L) "1 ticket left today" else "$count tickets left today"

    override val closed = "Closed today"

    override fun outsideHours(opensAt: String?, closesAt: String?) =
        if (opensAt != null && closesAt != null) "Outside service hours ($opensAt–$closesAt)" else "Outside service hours"

    override val quotaUsedUp = "Today's quota is used up"

    override fun calledTo(number: String, counter: String) = "$number called to $counter"

    override val nobodyWaiting = "Nobody is waiting"

    override fun recalled(number: String) = "$number called again"

    override fun completed(number: String) = "$number served"

    override fun skipped(number: String) = "$number skipped (did not come)"

    override fun transferred(from: String, to: String) = "$from transferred; new number $to"

    override val paused = "Counter paused: no new patients are called"

    override val resumed = "Counter open again"

    override fun doneToday(count: Long) = "$count done today"

    override fun skippedToday(count: Long) = "$count skipped today"

    override val staleQueue = "Disconnected from the server: the list may be out of date"

    override val errorNetwork = "The server cannot be reached. Check Wi-Fi or mobile data, then try again."

    override val errorProtocol = "The server's answer cannot be read. Update this app."

    override val errorStorage = "The phone's storage failed. Free some space, then try again."

    override fun errorAddress(detail: String) = "The server address cannot be used ($detail)"

    override fun errorApi(code: String, field: String?): String? = when (code) {
        "active_ticket_exists" -> "You already hold an active ticket."
        "service_closed" -> "This service takes no tickets now (closed or outside its hours)."
        "quota_full" -> "Today's quota is used up."
        "rate_limited" -> "Too many requests. Wait a moment and try again."
        "invalid_field" -> when (field) {
            "phone" -> "The phone number is not valid."
            "name" -> "The name is not valid."
            else -> null
        }
        "invalid_credentials" -> "Wrong username or password."
        "unauthorized" -> "Your session ended. Please log in again."
        "forbidden" -> "You may not do this."
        "counter_paused" -> "The counter is paused."
        "no_current_ticket" -> "This counter has no called patient."
        "invalid_transition" -> "This ticket can no longer be changed that way."
        "service_not_found" -> "That service no longer exists."
        "counter_not_found" -> "That counter no longer exists."
        "ticket_not_found" -> "That ticket was not found."
        "unavailable" -> "The server is busy. Try again."
        "timeout" -> "The request took too long. Check before repeating it."
        else -> null
    }
}
