// JVM unit tests of the staff ViewModel with a fake core: logging in opens the last counter and
// watches it, a button runs its action once and says what it did, an ended session logs out.
// Needs the Android toolchain (./gradlew :staff:testDebugUnitTest); no device, no native library.
package id.giliran.staff

import id.giliran.shared.IndonesianTexts
import id.giliran.shared.StaffAction
import id.giliran.shared.StaffModel
import id.giliran.shared.StaffScreen
import id.giliran.shared.Texts
import kotlinx.coroutines.Dispatchers
import kotlinx.coroutines.ExperimentalCoroutinesApi
import kotlinx.coroutines.test.StandardTestDispatcher
import kotlinx.coroutines.test.advanceUntilIdle
import kotlinx.coroutines.test.resetMain
import kotlinx.coroutines.test.runTest
import kotlinx.coroutines.test.setMain
import org.junit.After
import org.junit.Assert.assertEquals
import org.junit.Assert.assertTrue
import org.junit.Before
import org.junit.Test
import uniffi.giliran_core.CounterInfo
import uniffi.giliran_core.CounterQueueInfo
import uniffi.giliran_core.GiliranException
import uniffi.giliran_core.NextStation
import uniffi.giliran_core.NoHandle
import uniffi.giliran_core.QueueObserver
import uniffi.giliran_core.ServiceInfo
import uniffi.giliran_core.StaffClientInterface
import uniffi.giliran_core.StaffUser
import uniffi.giliran_core.TicketInfo
import uniffi.giliran_core.TicketStatus
import uniffi.giliran_core.Tracking

@OptIn(ExperimentalCoroutinesApi::class)
class StaffViewModelTest {
    private val dispatcher = StandardTestDispatcher()

    @Before
    fun mainOnTestDispatcher() = Dispatchers.setMain(dispatcher)

    @After
    fun mainBack() = Dispatchers.resetMain()

    private val loket1 = CounterInfo("counter-1", 1u, "Loket 1", paused = false, serviceIds = listOf("service-a"))
    private val loket2 = CounterInfo("counter-2", 2u, "Loket 2", paused = false, serviceIds = listOf("service-b"))
    private val waiting = TicketInfo(
        id = "t-7", number = "A-007", status = TicketStatus.WAITING, serviceId = "service-a", peopleAhead = null,
        etaSeconds = null, counterNumber = null, counterName = null, recalls = 0u, patientName = null,
        active = true, bookingCode = null,
    )

    @Test
    fun loginOpensTheLastCounterAndCallNextSaysWhoWasCalled() = runTest(dispatcher) {
        val client = FakeStaff(lastCounter = "counter-2")
        val viewModel = StaffViewModel(FakeGateway(client), io = dispatcher)
        viewModel.login("192.168.1.10:8080", " perawat ", "rahasia")
        advanceUntilIdle()

        assertEquals("perawat", client.loggedInAs)
        assertEquals(StaffScreen.CONSOLE, StaffModel.screen(viewModel.state.value))
        assertEquals("counter-2", client.observed)

        client.observer!!.onQueue(CounterQueueInfo(loket2, null, listOf(waiting), emptyList(), 3u, 0u))
        advanceUntilIdle()
        val console = StaffModel.console(viewModel.state.value, IndonesianTexts)!!
        assertTrue(StaffAction.CALL_NEXT in console.enabled)

        viewModel.act(StaffAction.CALL_NEXT)
        viewModel.act(StaffAction.CALL_NEXT) // a double tap calls one patient
        advanceUntilIdle()
        assertEquals(1, client.calls)
        assertEquals("A-007 dipanggil ke Loket 2", viewModel.state.value.outcome)
    }

    @Test
    fun anEndedSessionGoesBackToLogin() = runTest(dispatcher) {
        val client = FakeStaff(lastCounter = "counter-1", callFails = GiliranException.Api("unauthorized", "expired", null))
        val viewModel = StaffViewModel(FakeGateway(client), io = dispatcher)
        viewModel.login("192.168.1.10:8080", "perawat", "rahasia")
        advanceUntilIdle()
        viewModel.act(StaffAction.CALL_NEXT)
        advanceUntilIdle()
        assertEquals(StaffScreen.LOGIN, StaffModel.screen(viewModel.state.value))
        assertEquals("Sesi Anda berakhir. Silakan masuk lagi.", viewModel.state.value.problem?.message)
    }

    private inner class FakeStaff(
        private val lastCounter: String?,
        private val callFails: GiliranException? = null,
    ) : StaffClientInterface {
        var loggedInAs: String? = null
        var observed: String? = null
        var observer: QueueObserver? = null
        var calls = 0

        override fun login(username: String, password: String): StaffUser {
            loggedInAs = username
            return StaffUser(username, "Perawat Rina", isAdmin = false, counters = listOf(loket1.id, loket2.id))
        }

        override fun counters() = listOf(loket1, loket2)

        override fun lastCounter() = lastCounter

        override fun observeQueue(counter: String, observer: QueueObserver): Tracking {
            observed = counter
            this.observer = observer
            return object : Tracking(NoHandle) {
                override fun stop() {}
            }
        }

        override fun callNext(counter: String): TicketInfo? {
            callFails?.let { throw it }
            calls += 1
            return waiting.copy(status = TicketStatus.CALLED)
        }

        override fun services() = listOf(ServiceInfo("service-a", "A", "Poli Umum", true, 1u, null, true, null, null))
        override fun complete(counter: String) = throw UnsupportedOperationException()
        override fun completeTo(counter: String, next: NextStation) = throw UnsupportedOperationException()
        override fun findVisit(bookingCode: String) = throw UnsupportedOperationException()
        override fun logout() {}
        override fun pause(counter: String) = throw UnsupportedOperationException()
        override fun queue(counter: String) = throw UnsupportedOperationException()
        override fun recall(counter: String) = throw UnsupportedOperationException()
        override fun resume(counter: String) = throw UnsupportedOperationException()
        override fun skip(counter: String) = throw UnsupportedOperationException()
        override fun transfer(counter: String, serviceId: String) = throw UnsupportedOperationException()
    }

    private class FakeGateway(private val client: StaffClientInterface) : StaffGateway {
        override val texts: Texts = IndonesianTexts
        override fun address() = "http://192.168.1.10:8080/"
        override fun connect(addressText: String) = client
    }
}
