// The staff app's one connection to the core: the saved server address, the StaffClient for
// it (its login lasts while the process lives), and the language of the composed sentences.
package id.giliran.staff

import android.content.Context
import id.giliran.shared.Language
import id.giliran.shared.ServerAddressFile
import id.giliran.shared.Texts
import java.io.File
import uniffi.giliran_core.StaffClient
import uniffi.giliran_core.StaffClientInterface

/** What the staff screens need from the app around them; a fake stands in for it in tests. */
interface StaffGateway {
    val texts: Texts

    /** The saved address, or null. Blocking (a small file read). */
    fun address(): String?

    /** Saves the typed address (read by the core) and returns the client for it. Blocking; throws the core's errors. */
    fun connect(addressText: String): StaffClientInterface
}

class StaffCore(private val context: Context) : StaffGateway {
    private val addressFile = ServerAddressFile(File(context.filesDir, "server-address"))
    private var current: Pair<String, StaffClient>? = null

    override val texts: Texts
        get() = Language.fromTag(context.getString(R.string.language_tag)).texts

    override fun address(): String? = addressFile.read()

    @Synchronized
    override fun connect(addressText: String): StaffClientInterface {
        val address = addressFile.save(addressText)
        current?.let { (forAddress, client) -> if (forAddress == address) return client }
        val client = StaffClient(address, File(context.filesDir, "core").path)
        current?.second?.close()
        current = address to client
        return client
    }
}
