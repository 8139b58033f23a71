// The patient app's one connection to the core, shared by the screens and the tracking
// service: the saved server address, the PatientClient for it, the process-wide ticket feed,
// and the language the composed sentences are in.
package id.giliran.patient

import android.content.Context
import androidx.core.content.ContextCompat
import id.giliran.patient.tracking.TicketFeed
import id.giliran.patient.tracking.TicketTrackingService
import id.giliran.shared.Language
import id.giliran.shared.ServerAddressFile
import id.giliran.shared.Texts
import java.io.File
import uniffi.giliran_core.PatientClient
import uniffi.giliran_core.PatientClientInterface

/** What the patient screens need from the app around them; a fake stands in for it in tests. */
interface PatientGateway {
    /** The sentences' language, following the app's resources (and so its per-app language). */
    val texts: Texts

    val feed: TicketFeed

    /** The client of the saved server, or null before one is set up. Blocking (opens the store). */
    fun client(): PatientClientInterface?

    /** Reads and saves a typed or scanned address; returns it. Blocking; throws the core's Config error. */
    fun saveAddress(text: String): String

    /** The saved address, or null. Blocking (a small file read). */
    fun address(): String?

    /** Follows a ticket in the foreground service, so notifications arrive in the background. */
    fun follow(ticketId: String)
}

class PatientCore(private val context: Context) : PatientGateway {
    private val addressFile = ServerAddressFile(File(context.filesDir, "server-address"))
    private val dataDir = File(context.filesDir, "core").path
    private var current: Pair<String, PatientClient>? = null

    override val feed = TicketFeed()

    override val texts: Texts
        get() = Language.fromTag(context.getString(R.string.language_tag)).texts

    @Synchronized
    override fun client(): PatientClient? {
        val address = addressFile.read() ?: return null
        current?.let { (forAddress, client) -> if (forAddress == address) return client }
        // A new address: the old client's tracking ends with the service that holds it.
        val client = PatientClient(address, dataDir)
        current?.second?.close()
        current = address to client
        return client
    }

    override fun saveAddress(text: String): String = addressFile.save(text)

    override fun address(): String? = addressFile.read()

    override fun follow(ticketId: String) {
        ContextCompat.startForegroundService(context, TicketTrackingService.intent(context, ticketId))
    }
}
