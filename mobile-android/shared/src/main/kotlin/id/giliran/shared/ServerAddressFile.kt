// Where an app keeps the hospital server's address between starts: one small text file in the
// app's private directory. Plain java.io rather than Android preferences, so both apps share it
// and the JVM checks run it. The address is read by the core (server_address_from_text), never
// parsed here.
package id.giliran.shared

import java.io.File
import java.nio.file.Files
import java.nio.file.StandardCopyOption
import uniffi.giliran_core.serverAddressFromText

class ServerAddressFile(private val file: File) {
    /** The saved address, or null before the first setup. */
    fun read(): String? =
        file.takeIf { it.isFile }?.readText()?.trim()?.takeIf { it.isNotEmpty() }

    /**
     * Reads [text] (typed in the settings, or the QR code's content) with the core's rules and
     * keeps the address it names; returns it. Throws the core's `GiliranException.Config` for text
     * that names no usable server, and keeps the previous address then.
     */
    fun save(text: String): String {
        val address = serverAddressFromText(text)
        file.parentFile?.mkdirs()
        // Written beside and moved over, so a crash mid-write never leaves half an address.
        val partial = File(file.path + ".partial")
        partial.writeText(address)
        Files.move(partial.toPath(), file.toPath(), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE)
        return address
    }
}
