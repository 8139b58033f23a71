// Every failure the core reports, turned into one sentence for a screen: the apps never show a
// raw exception, and never decide by parsing its text.
package id.giliran.shared

import uniffi.giliran_core.GiliranException

/** A failure as a screen shows it. */
data class Problem(
    val message: String,
    /** The server could not be reached: show the last known state and offer a retry. */
    val offline: Boolean,
    /** The staff session is over: go back to the login screen. */
    val signedOut: Boolean,
    /** The core's error code (`active_ticket_exists`), for the few cases a screen acts on. */
    val code: String?,
)

class ProblemPresenter(val texts: Texts = IndonesianTexts) {
    fun problem(error: Throwable): Problem =
        when (error) {
            is GiliranException.Api -> {
                val message = texts.errorApi(error.code, error.field) ?: error.detail
                Problem(message, offline = false, signedOut = error.code == "unauthorized", code = error.code)
            }
            is GiliranException.Network -> Problem(texts.errorNetwork, offline = true, signedOut = false, code = null)
            is GiliranException.Protocol -> Problem(texts.errorProtocol, offline = false, signedOut = false, code = null)
            is GiliranException.Config ->
                Problem(texts.errorAddress(error.detail), offline = false, signedOut = false, code = null)
            is GiliranException.Storage -> Problem(texts.errorStorage, offline = false, signedOut = false, code = null)
            // Anything else is a bug of ours; its own text is the most useful thing to show.
            else -> Problem(error.message ?: error.toString(), offline = false, signedOut = false, code = null)
        }
}
