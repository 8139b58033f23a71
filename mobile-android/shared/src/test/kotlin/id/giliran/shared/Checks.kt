// The helpers every JVM check of the shared module uses: a failure type, assertions that say
// what was expected, and record builders with realistic defaults. No test framework, because
// tests/tests/kotlin.rs compiles these with nothing but kotlinc and JNA.
package id.giliran.shared

import uniffi.giliran_core.CounterInfo
import uniffi.giliran_core.CounterQueueInfo
import uniffi.giliran_core.GiliranException
import uniffi.giliran_core.ServiceInfo
import uniffi.giliran_core.TicketInfo
import uniffi.giliran_core.TicketStatus

class ScenarioFailure(message: String) : AssertionError(message)

fun expect(condition: Boolean, message: () -> String) {
    if (!condition) throw ScenarioFailure(message())
}

fun <T> expectEqual(actual: T, expected: T, what: String) {
    expect(actual == expected) { "$what: expected $expected, got $actual" }
}

fun step(text: String) = println("-- $text")

/** Runs [block], which must throw a [GiliranException] of type [E]; returns it. */
inline fun <reified E : GiliranException> expectThrows(what: String, block: () -> Unit): E {
    try {
        block()
    } catch (e: GiliranException) {
        if (e is E) return e
        throw ScenarioFailure("$what: expected ${E::class.simpleName}, got $e")
    }
    throw ScenarioFailure("$what: expected ${E::class.simpleName}, nothing was thrown")
}

fun ticket(
    number: String = "A-007",
    status: TicketStatus = TicketStatus.WAITING,
    id: String = "ticket-$number",
    serviceId: String = "service-a",
    peopleAhead: Int? = 3,
    etaSeconds: Int? = 720,
    counterNumber: Int? = null,
    counterName: String? = null,
    recalls: Int = 0,
    patientName: String? = null,
) = TicketInfo(
    id = id,
    number = number,
    status = status,
    serviceId = serviceId,
    peopleAhead = peopleAhead?.toUInt(),
    etaSeconds = etaSeconds?.toUInt(),
    counterNumber = counterNumber?.toUInt(),
    counterName = counterName,
    recalls = recalls.toUInt(),
    patientName = patientName,
    active = status == TicketStatus.WAITING || status == TicketStatus.CALLED,
    bookingCode = null,
)

fun service(
    code: String = "A",
    name: String = "Poli Umum",
    open: Boolean = true,
    waiting: Int = 4,
    quotaLeft: Int? = null,
    accepting: Boolean = open,
    hours: Pair<String, String>? = null,
    id: String = "service-${code.lowercase()}",
) = ServiceInfo(
    id = id,
    code = code,
    name = name,
    open = open,
    waiting = waiting.toUInt(),
    quotaLeft = quotaLeft?.toUInt(),
    accepting = accepting,
    opensAt = hours?.first,
    closesAt = hours?.second,
)

fun counter(number: Int = 1, paused: Boolean = false, serviceIds: List<String> = listOf("service-a")) =
    CounterInfo(id = "counter-$number", number = number.toUInt(), name = "Loket $number", paused = paused, serviceIds = serviceIds)

fun queue(
    counter: CounterInfo = counter(),
    current: TicketInfo? = null,
    waiting: List<TicketInfo> = emptyList(),
    doneToday: Int = 0,
    skippedToday: Int = 0,
) = CounterQueueInfo(
    counter = counter,
    current = current,
    waiting = waiting,
    skipped = emptyList(),
    doneToday = doneToday.toUInt(),
    skippedToday = skippedToday.toUInt(),
)
