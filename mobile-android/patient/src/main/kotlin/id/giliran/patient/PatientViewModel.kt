// The patient screens' state holder: runs the core's blocking calls on the IO dispatcher, feeds
// their results and the tracking feed into the shared PatientModel, and starts the background
// follower for an active ticket. Every rule of what the screens show lives in the shared module.
package id.giliran.patient

import androidx.lifecycle.ViewModel
import androidx.lifecycle.viewModelScope
import id.giliran.shared.PatientEvent
import id.giliran.shared.PatientModel
import id.giliran.shared.PatientState
import id.giliran.shared.ProblemPresenter
import id.giliran.shared.Texts
import kotlinx.coroutines.CoroutineDispatcher
import kotlinx.coroutines.Dispatchers
import kotlinx.coroutines.flow.MutableStateFlow
import kotlinx.coroutines.flow.StateFlow
import kotlinx.coroutines.flow.asStateFlow
import kotlinx.coroutines.flow.filterNotNull
import kotlinx.coroutines.flow.update
import kotlinx.coroutines.launch
import kotlinx.coroutines.withContext
import uniffi.giliran_core.GiliranException
import uniffi.giliran_core.PatientClientInterface

/** Whether the app knows its server yet. */
enum class Setup { CHECKING, NEEDED, DONE }

class PatientViewModel(
    private val gateway: PatientGateway,
    private val io: CoroutineDispatcher = Dispatchers.IO,
) : ViewModel() {
    private val model = MutableStateFlow(PatientState())
    private val setupState = MutableStateFlow(Setup.CHECKING)
    private val savedAddress = MutableStateFlow<String?>(null)

    val state: StateFlow<PatientState> = model.asStateFlow()
    val setup: StateFlow<Setup> = setupState.asStateFlow()
    val address: StateFlow<String?> = savedAddress.asStateFlow()

    /** Read at each use: the per-app language can change while the app runs. */
    val texts: Texts get() = gateway.texts

    init {
        // The feed is written on a core thread; collecting here puts each update on the main thread.
        viewModelScope.launch {
            gateway.feed.ticket.filterNotNull().collect { ticket ->
                // Only the ticket on screen, or the ticket a transfer turned it into.
                if (model.value.ticket != null) send(PatientEvent.Tracked(ticket))
            }
        }
        viewModelScope.launch { gateway.feed.online.collect { send(PatientEvent.Connection(it)) } }
        open()
    }

    /** Shows what the phone knows at once (offline too), then asks the server for the services. */
    fun open() {
        viewModelScope.launch {
            try {
                val (address, client) = withContext(io) { gateway.address() to gateway.client() }
                savedAddress.value = address
                if (client == null) {
                    setupState.value = Setup.NEEDED
                    return@launch
                }
                setupState.value = Setup.DONE
                val (active, history) = withContext(io) { client.activeTicket() to client.history() }
                send(PatientEvent.Opened(active, history))
                PatientModel.ticketToFollow(model.value)?.let { gateway.follow(it.id) }
                loadServices(client)
            } catch (e: GiliranException) {
                fail(e)
            }
        }
    }

    fun refreshServices() {
        viewModelScope.launch { withClient { loadServices(it) } }
    }

    fun takeTicket(serviceId: String, name: String, phone: String) {
        if (model.value.busy) return
        viewModelScope.launch {
            withClient { client ->
                send(PatientEvent.Requested)
                val (ticket, history) = withContext(io) {
                    client.takeTicket(serviceId, name.ifBlank { null }, phone.ifBlank { null }) to client.history()
                }
                send(PatientEvent.TicketTaken(ticket, history))
                gateway.follow(ticket.id)
            }
        }
    }

    fun cancelTicket() {
        val ticket = model.value.ticket ?: return
        if (model.value.busy) return
        viewModelScope.launch {
            withClient { client ->
                send(PatientEvent.Requested)
                send(PatientEvent.Cancelled(withContext(io) { client.cancel(ticket.id) }))
            }
        }
    }

    fun loadHistory() {
        viewModelScope.launch { withClient { send(PatientEvent.HistoryLoaded(withContext(io) { it.history() })) } }
    }

    /** The patient closes a finished ticket to take a new one. */
    fun dismissTicket() {
        send(PatientEvent.Dismissed)
        refreshServices()
    }

    fun problemSeen() = send(PatientEvent.ProblemSeen)

    /** Saves a typed or scanned address; true when the core accepted it. */
    fun saveAddress(text: String, saved: (String) -> Unit = {}) {
        viewModelScope.launch {
            try {
                val address = withContext(io) { gateway.saveAddress(text) }
                savedAddress.value = address
                saved(address)
                open()
            } catch (e: GiliranException) {
                fail(e)
            }
        }
    }

    private suspend fun loadServices(client: PatientClientInterface) {
        send(PatientEvent.Requested)
        send(PatientEvent.ServicesLoaded(withContext(io) { client.services() }))
    }

    private suspend fun withClient(block: suspend (PatientClientInterface) -> Unit) {
        try {
            val client = withContext(io) { gateway.client() }
            if (client == null) {
                setupState.value = Setup.NEEDED
            } else {
                block(client)
            }
        } catch (e: GiliranException) {
            fail(e)
        }
    }

    private fun fail(error: GiliranException) = send(PatientEvent.Failed(ProblemPresenter(texts).problem(error)))

    private fun send(event: PatientEvent) = model.update { PatientModel.update(it, event) }
}
