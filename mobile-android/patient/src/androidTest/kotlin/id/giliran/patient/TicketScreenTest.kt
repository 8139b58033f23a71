// Compose UI tests of the ticket and service screens on a device or emulator, with screen
// models from the shared presenters: what a patient sees while waiting, when called, offline,
// and that a closed service cannot be tapped. Needs the Android toolchain:
// ./gradlew :patient:connectedDebugAndroidTest with an emulator running.
package id.giliran.patient

import androidx.compose.ui.test.assertIsDisplayed
import androidx.compose.ui.test.assertTextEquals
import androidx.compose.ui.test.junit4.createComposeRule
import androidx.compose.ui.test.onNodeWithTag
import androidx.compose.ui.test.onNodeWithText
import androidx.compose.ui.test.performClick
import androidx.test.ext.junit.runners.AndroidJUnit4
import id.giliran.patient.ui.PatientTheme
import id.giliran.patient.ui.ServicesScreen
import id.giliran.patient.ui.TicketScreen
import id.giliran.patient.ui.TicketTags
import id.giliran.shared.IndonesianTexts
import id.giliran.shared.ServicePresenter
import id.giliran.shared.TicketPresenter
import org.junit.Assert.assertEquals
import org.junit.Assert.assertTrue
import org.junit.Rule
import org.junit.Test
import org.junit.runner.RunWith
import uniffi.giliran_core.ServiceInfo
import uniffi.giliran_core.TicketInfo
import uniffi.giliran_core.TicketStatus

@RunWith(AndroidJUnit4::class)
class TicketScreenTest {
    @get:Rule
    val compose = createComposeRule()

    private val presenter = TicketPresenter(IndonesianTexts)

    private fun ticket(status: TicketStatus) = TicketInfo(
        id = "t-1", number = "A-012", status = status, serviceId = "service-a",
        peopleAhead = if (status == TicketStatus.WAITING) 4u else null, etaSeconds = 900u,
        counterNumber = if (status == TicketStatus.CALLED) 3u else null,
        counterName = if (status == TicketStatus.CALLED) "Ruang Periksa 3" else null,
        recalls = 0u, patientName = null,
        active = status == TicketStatus.WAITING || status == TicketStatus.CALLED, bookingCode = null,
    )

    @Test
    fun aWaitingPatientSeesNumberPeopleAheadAndWait() {
        compose.setContent {
            PatientTheme {
                TicketScreen(presenter.screen(ticket(TicketStatus.WAITING)), false, false, {}, {}, {})
            }
        }
        compose.onNodeWithTag(TicketTags.NUMBER).assertTextEquals("A-012")
        compose.onNodeWithTag(TicketTags.STATUS).assertTextEquals("Menunggu")
        compose.onNodeWithText("4 orang di depan Anda").assertIsDisplayed()
        compose.onNodeWithText("Perkiraan ± 15 menit").assertIsDisplayed()
        compose.onNodeWithText("Batalkan antrean").assertIsDisplayed()
    }

    @Test
    fun aCalledPatientSeesWhereToGo() {
        compose.setContent {
            PatientTheme {
                TicketScreen(presenter.screen(ticket(TicketStatus.CALLED)), false, false, {}, {}, {})
            }
        }
        compose.onNodeWithTag(TicketTags.STATUS).assertTextEquals("Dipanggil")
        compose.onNodeWithTag(TicketTags.COUNTER).assertTextEquals("Ruang Periksa 3")
        compose.onNodeWithText("Batalkan antrean").assertDoesNotExist()
    }

    @Test
    fun offlineTheLastKnownStateIsSaidToBeSo() {
        compose.setContent {
            PatientTheme {
                TicketScreen(presenter.screen(ticket(TicketStatus.WAITING), online = false), false, false, {}, {}, {})
            }
        }
        compose.onNodeWithText(IndonesianTexts.offline).assertIsDisplayed()
        compose.onNodeWithTag(TicketTags.NUMBER).assertTextEquals("A-012")
    }

    @Test
    fun cancellingAsksFirst() {
        var cancelled = false
        compose.setContent {
            PatientTheme {
                TicketScreen(presenter.screen(ticket(TicketStatus.WAITING)), false, false, {}, { cancelled = true }, {})
            }
        }
        compose.onNodeWithText("Batalkan antrean").performClick()
        assertEquals(false, cancelled)
        compose.onNodeWithText("Tetap mengantre").assertIsDisplayed()
    }

    @Test
    fun onlyAnOpenServiceOpensTheTicketForm() {
        val rows = ServicePresenter(IndonesianTexts).rows(
            listOf(
                ServiceInfo("a", "A", "Poli Umum", open = true, waiting = 3u, quotaLeft = null, accepting = true, opensAt = null, closesAt = null),
                ServiceInfo("b", "B", "Poli Gigi", open = true, waiting = 0u, quotaLeft = null, accepting = false, opensAt = "07:00", closesAt = "12:00"),
            ),
        )
        var taken: String? = null
        compose.setContent { PatientTheme { ServicesScreen(rows, busy = false, onTake = { id, _, _ -> taken = id }) } }
        compose.onNodeWithText("Di luar jam layanan (07:00–12:00)").assertIsDisplayed()
        compose.onNodeWithText("Poli Gigi").performClick()
        compose.onNodeWithText("Ambil nomor").assertDoesNotExist()
        compose.onNodeWithText("Poli Umum").performClick()
        compose.onNodeWithText("Ambil nomor").performClick()
        assertTrue(taken == "a")
    }
}
