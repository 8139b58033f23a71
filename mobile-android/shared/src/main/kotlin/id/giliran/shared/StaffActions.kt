// The staff console's buttons: which are usable for a queue as it stands, and what each does
// through the core. The server has the last word on every action; these rules only keep a nurse
// from pressing a button that can do nothing.
package id.giliran.shared

import uniffi.giliran_core.CounterQueueInfo
import uniffi.giliran_core.ServiceInfo
import uniffi.giliran_core.StaffClientInterface

enum class StaffAction { CALL_NEXT, RECALL, COMPLETE, SKIP, TRANSFER, PAUSE, RESUME }

object StaffActions {
    /**
     * The buttons that can do something now. Nothing while another action runs (a second tap
     * would call a second patient). Call next needs the counter open and someone to complete or
     * call; with the live connection down the waiting list may be stale, so it stays usable and
     * the server answers. The current patient's buttons need a current patient; transfer also
     * needs another service to send them to.
     */
    fun enabled(
        queue: CounterQueueInfo?,
        online: Boolean,
        running: StaffAction?,
        services: List<ServiceInfo>,
    ): Set<StaffAction> {
        if (queue == null || running != null) return emptySet()
        val paused = queue.counter.paused
        val current = queue.current
        return buildSet {
            if (!paused && (current != null || queue.waiting.isNotEmpty() || !online)) add(StaffAction.CALL_NEXT)
            if (current != null) {
                addAll(listOf(StaffAction.RECALL, StaffAction.COMPLETE, StaffAction.SKIP))
                if (transferTargets(queue, services).isNotEmpty()) add(StaffAction.TRANSFER)
            }
            add(if (paused) StaffAction.RESUME else StaffAction.PAUSE)
        }
    }

    /** The services the current patient can be sent on to: every open one but their own. */
    fun transferTargets(queue: CounterQueueInfo?, services: List<ServiceInfo>): List<ServiceInfo> {
        val current = queue?.current ?: return emptyList()
        return services.filter { it.id != current.serviceId && it.open }
    }

    /**
     * Runs [action] at [counterId] through the core (blocking: call it off the main thread) and
     * returns the sentence that confirms it. [target] is the service of a transfer and
     * [currentNumber] the number on screen, which a transfer replaces. Failures are
     * the core's [uniffi.giliran_core.GiliranException]s, for [ProblemPresenter].
     */
    fun perform(
        client: StaffClientInterface,
        counterId: String,
        counterName: String,
        action: StaffAction,
        target: String?,
        currentNumber: String?,
        texts: Texts,
    ): String =
        when (action) {
            StaffAction.CALL_NEXT ->
                client.callNext(counterId)?.let { texts.calledTo(it.number, counterName) } ?: texts.nobodyWaiting
            StaffAction.RECALL -> texts.recalled(client.recall(counterId).number)
            StaffAction.COMPLETE -> texts.completed(client.complete(counterId).number)
            StaffAction.SKIP -> texts.skipped(client.skip(counterId).number)
            StaffAction.TRANSFER -> {
                val service = requireNotNull(target) { "a transfer needs a target service" }
                val moved = client.transfer(counterId, service)
                texts.transferred(currentNumber ?: moved.number, moved.number)
            }
            StaffAction.PAUSE -> client.pause(counterId).let { texts.paused }
            StaffAction.RESUME -> client.resume(counterId).let { texts.resumed }
        }

    /**
     * The counter to open at start: the one worked at last on this device (the core's
     * `last_counter`) if this user may still work there, else the only one they have, else none
     * (the picker asks).
     */
    fun initialCounter(counterIds: List<String>, lastCounter: String?): String? =
        lastCounter?.takeIf { it in counterIds } ?: counterIds.singleOrNull()
}
