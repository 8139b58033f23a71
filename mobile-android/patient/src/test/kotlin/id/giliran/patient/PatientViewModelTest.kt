// JVM unit tests of the patient ViewModel with a fake core: what the screens get after opening
// offline, taking a ticket, and hearing the tracker. Needs the Android toolchain (Gradle with
// AGP: ./gradlew :patient:testDebugUnitTest); no device, no native library.
package id.giliran.patient

import id.giliran.patient.tracking.TicketFeed
import id.giliran.shared.IndonesianTexts
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
import org.junit.Assert.assertFalse
import org.junit.Assert.assertNull
import org.junit.Before
import org.junit.Test
import uniffi.giliran_core.GiliranException
import uniffi.giliran_core.NoHandle
import uniffi.giliran_core.PatientClient
import uniffi.giliran_core.PatientClientInterface
import uniffi.giliran_core.ServiceInfo
import uniffi.giliran_core.TicketInfo
import uniffi.giliran_core.TicketObserver
import uniffi.giliran_core.TicketStatus
import uniffi.giliran_core.Tracking
import uniffi.giliran_core.VisitInfo

@OptIn(ExperimentalCoroutinesApi::class)
class PatientViewModelTest {
    private val dispatcher = StandardTestDispatcher()

    @Before
    fun mainOnTestDispatcher() = Dispatchers.setMain(dispatcher)

    @After
    fun mainBack() = Dispatchers.resetMain()

    private val umum = ServiceInfo(
        "service-a", "A", "Poli Umum", open = true, waiting = 2u, quotaLeft = 40u,
        accepting = true, opensAt = "07:00", closesAt = "14:00",
    )

    private fun ticket(status: TicketStatus = TicketStatus.WAITING, peopleAhead: UInt? = 2u) = TicketInfo(
        id = "ticket-1", number = "A-003", status = status, serviceId = umum.id, peopleAhead = peopleAhead,
        etaSeconds = 600u, counterNumber = null, counterName = null, recalls = 0u, patientName = null,
        active = status == TicketStatus.WAITING || status == TicketStatus.CALLED, bookingCode = "K-0042",
    )

    @Test
    fun anActiveTicketShowsOfflineFromThePhoneAndIsFollowed() = runTest(dispatcher) {
        val client = FakeClient(active = ticket(), servicesFail = true)
        val gateway = FakeGateway(client)
        val viewModel = PatientViewModel(gateway, io = dispatcher)
        advanceUntilIdle()

        val state = viewModel.state.value
        assertEquals("A-003", state.ticket?.number)
        assertFalse("the failed service list makes the app offline", state.online)
        assertEquals(IndonesianTexts.errorNetwork, state.problem?.message)
        assertEquals(listOf("ticket-1"), gateway.followed)
        assertEquals(Setup.DONE, viewModel.setup.value)
    }

    @Test
    fun takingATicketShowsItAndFollowsItAndTheTrackerMovesIt() = runTest(dispatcher) {
        val client = FakeClient(active = null)
        val gateway = FakeGateway(client)
        val viewModel = PatientViewModel(gateway, io = dispatcher)
        advanceUntilIdle()
        assertEquals(listOf(umum), viewModel.state.value.services)

        viewModel.takeTicket(umum.id, name = " ", phone = "")
        advanceUntilIdle()
        assertEquals(Triple(umum.id, null, null), client.taken)
        assertEquals("A-003", viewModel.state.value.ticket?.number)
        assertEquals(listOf("ticket-1"), gateway.followed)

        val called = ticket(TicketStatus.CALLED, peopleAhead = null).copy(counterNumber = 2u, counterName = "Loket 2")
        gateway.feed.onTicket(called)
        advanceUntilIdle()
        assertEquals(TicketStatus.CALLED, viewModel.state.value.ticket?.status)
    }

    @Test
    fun withoutAnAddressTheAppAsksForOne() = runTest(dispatcher) {
        val viewModel = PatientViewModel(FakeGateway(client = null), io = dispatcher)
        advanceUntilIdle()
        assertEquals(Setup.NEEDED, viewModel.setup.value)
        assertNull(viewModel.state.value.ticket)
    }

    private inner class FakeClient(
        private val active: TicketInfo?,
        private val servicesFail: Boolean = false,
    ) : PatientClientInterface {
        var taken: Triple<String, String?, String?>? = null

        override fun activeTicket() = active

        override fun cancel(ticketId: String) = ticket(TicketStatus.CANCELLED)

        override fun history() = listOfNotNull(active)

        override fun services(): List<ServiceInfo> =
            if (servicesFail) throw GiliranException.Network("connection refused") else listOf(umum)

        override fun setNearThreshold(peopleAhead: UInt?): PatientClient = throw UnsupportedOperationException()

        override fun takeTicket(serviceId: String, name: String?, phone: String?): TicketInfo {
            // Recorded as sent: blank fields must arrive as null, not as text.
            taken = Triple(serviceId, name, phone)
            return ticket()
        }

        override fun visit(ticketId: String): VisitInfo = throw UnsupportedOperationException()

        override fun track(ticketId: String, observer: TicketObserver): Tracking =
            object : Tracking(NoHandle) {
                override fun stop() {}
            }
    }

    private class FakeGateway(private val client: PatientClientInterface?) : PatientGateway {
        val followed = mutableListOf<String>()
        override val texts: Texts = IndonesianTexts
        override val feed = TicketFeed()

        override fun client() = client

        override fun saveAddress(text: String) = text

        override fun address() = if (client == null) null else "http://192.168.1.10:8080/"

        override fun follow(ticketId: String) {
            followed += ticketId
        }
    }
}
