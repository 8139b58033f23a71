// Compose UI tests of the counter console on a device or emulator, with console views from the
// shared StaffModel: the current patient and the waiting list show, the buttons follow the
// rules, and a transfer asks for the target service. Needs the Android toolchain:
// ./gradlew :staff:connectedDebugAndroidTest with an emulator (a tablet AVD shows both columns).
package id.giliran.staff

import androidx.compose.ui.test.assertIsEnabled
import androidx.compose.ui.test.assertIsNotEnabled
import androidx.compose.ui.test.junit4.createComposeRule
import androidx.compose.ui.test.onNodeWithText
import androidx.compose.ui.test.performClick
import androidx.compose.ui.test.performScrollTo
import androidx.test.ext.junit.runners.AndroidJUnit4
import id.giliran.shared.ConsoleView
import id.giliran.shared.IndonesianTexts
import id.giliran.shared.StaffAction
import id.giliran.shared.StaffEvent
import id.giliran.shared.StaffModel
import id.giliran.shared.StaffState
import id.giliran.staff.ui.ConsoleScreen
import id.giliran.staff.ui.StaffTheme
import org.junit.Assert.assertEquals
import org.junit.Rule
import org.junit.Test
import org.junit.runner.RunWith
import uniffi.giliran_core.CounterInfo
import uniffi.giliran_core.CounterQueueInfo
import uniffi.giliran_core.ServiceInfo
import uniffi.giliran_core.StaffUser
import uniffi.giliran_core.TicketInfo
import uniffi.giliran_core.TicketStatus

@RunWith(AndroidJUnit4::class)
class ConsoleScreenTest {
    @get:Rule
    val compose = createComposeRule()

    private val loket = CounterInfo("counter-1", 1u, "Loket 1", paused = false, serviceIds = listOf("service-a"))
    private val services = listOf(
        ServiceInfo("service-a", "A", "Poli Umum", true, 1u, null, true, null, null),
        ServiceInfo("service-b", "B", "Poli Gigi", true, 0u, null, true, null, null),
    )

    private fun ticket(number: String, status: TicketStatus) =
        TicketInfo("t-$number", number, status, "service-a", null, null, null, null, 0u, null, active = true, bookingCode = null)

    private fun console(current: TicketInfo?, waiting: List<TicketInfo>): ConsoleView {
        var state = StaffModel.update(
            StaffState(),
            StaffEvent.LoggedIn(StaffUser("perawat", "Rina", false, listOf(loket.id)), listOf(loket), null),
        )
        state = StaffModel.update(state, StaffEvent.ServicesLoaded(services))
        state = StaffModel.update(state, StaffEvent.QueueUpdated(CounterQueueInfo(loket, current, waiting, emptyList(), 5u, 1u)))
        return requireNotNull(StaffModel.console(state, IndonesianTexts))
    }

    @Test
    fun withNobodyCalledOnlyCallNextAndPauseWork() {
        compose.setContent { StaffTheme { ConsoleScreen(console(null, listOf(ticket("A-004", TicketStatus.WAITING))), { _, _ -> }) } }
        compose.onNodeWithText("Belum ada yang dipanggil").assertExists()
        compose.onNodeWithText("A-004").performScrollTo().assertExists()
        compose.onNodeWithText("Panggil berikutnya").assertIsEnabled()
        compose.onNodeWithText("Panggil ulang").assertIsNotEnabled()
        compose.onNodeWithText("Selesai").assertIsNotEnabled()
        compose.onNodeWithText("Jeda").performScrollTo().assertIsEnabled()
    }

    @Test
    fun aTransferAsksWhereToAndSendsTheService() {
        val actions = mutableListOf<Pair<StaffAction, String?>>()
        compose.setContent {
            StaffTheme { ConsoleScreen(console(ticket("A-003", TicketStatus.CALLED), emptyList()), { a, t -> actions += a to t }) }
        }
        compose.onNodeWithText("A-003").assertExists()
        compose.onNodeWithText("Pindahkan").performScrollTo().performClick()
        compose.onNodeWithText("B · Poli Gigi").performClick()
        assertEquals(listOf(StaffAction.TRANSFER to "service-b"), actions)
    }
}
