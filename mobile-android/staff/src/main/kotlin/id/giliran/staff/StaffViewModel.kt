// The staff screens' state holder: runs the core's blocking calls on the IO dispatcher, watches
// the counter's queue with the core's observer, and feeds everything into the shared
// StaffModel, where the console's rules live.
package id.giliran.staff

import androidx.lifecycle.ViewModel
import androidx.lifecycle.viewModelScope
import id.giliran.shared.ProblemPresenter
import id.giliran.shared.StaffAction
import id.giliran.shared.StaffActions
import id.giliran.shared.StaffEvent
import id.giliran.shared.StaffModel
import id.giliran.shared.StaffState
import id.giliran.shared.Texts
import kotlinx.coroutines.CoroutineDispatcher
import kotlinx.coroutines.Dispatchers
import kotlinx.coroutines.flow.MutableStateFlow
import kotlinx.coroutines.flow.StateFlow
import kotlinx.coroutines.flow.asStateFlow
import kotlinx.coroutines.flow.update
import kotlinx.coroutines.launch
import kotlinx.coroutines.withContext
import uniffi.giliran_core.CounterQueueInfo
import uniffi.giliran_core.GiliranException
import uniffi.giliran_core.QueueObserver
import uniffi.giliran_core.StaffClientInterface
import uniffi.giliran_core.Tracking

class StaffViewModel(
    private val gateway: StaffGateway,
    private val io: CoroutineDispatcher = Dispatchers.IO,
) : ViewModel() {
    private val model = MutableStateFlow(StaffState())
    val state: StateFlow<StaffState> = model.asStateFlow()

    private val savedAddress = MutableStateFlow<String?>(null)
    val address: StateFlow<String?> = savedAddress.asStateFlow()

    val texts: Texts get() = gateway.texts

    private var client: StaffClientInterface? = null
    private var watching: Tracking? = null

    /** Called on a core thread: hops to the main thread before touching the state. */
    private val observer = object : QueueObserver {
        override fun onQueue(queue: CounterQueueInfo) {
            viewModelScope.launch(Dispatchers.Main) { send(StaffEvent.QueueUpdated(queue)) }
        }

        override fun onConnection(online: Boolean) {
            viewModelScope.launch(Dispatchers.Main) { send(StaffEvent.Connection(online)) }
        }
    }

    init {
        viewModelScope.launch { savedAddress.value = withContext(io) { gateway.address() } }
    }

    fun login(addressText: String, username: String, password: String) {
        if (model.value.busy) return
        viewModelScope.launch {
            send(StaffEvent.Requested)
            guarded {
                val (connected, event) = withContext(io) {
                    val connected = gateway.connect(addressText)
                    val user = connected.login(username.trim(), password)
                    connected to StaffEvent.LoggedIn(user, connected.counters(), connected.lastCounter())
                }
                client = connected
                savedAddress.value = withContext(io) { gateway.address() }
                send(event)
                model.value.counterId?.let { watch(it) }
                send(StaffEvent.ServicesLoaded(withContext(io) { connected.services() }))
            }
        }
    }

    fun pickCounter(counterId: String) {
        send(StaffEvent.CounterPicked(counterId))
        viewModelScope.launch { guarded { watch(counterId) } }
    }

    fun leaveCounter() {
        stopWatching()
        send(StaffEvent.CounterLeft)
    }

    /** A console button; [target] is the service of a transfer. */
    fun act(action: StaffAction, target: String? = null) {
        val state = model.value
        val connected = client ?: return
        val counterId = state.counterId ?: return
        if (state.running != null) return
        val counterName = state.queue?.counter?.name ?: state.counters.firstOrNull { it.id == counterId }?.name.orEmpty()
        val currentNumber = state.queue?.current?.number
        send(StaffEvent.ActionStarted(action))
        viewModelScope.launch {
            guarded {
                val outcome = withContext(io) {
                    StaffActions.perform(connected, counterId, counterName, action, target, currentNumber, texts)
                }
                send(StaffEvent.ActionDone(outcome))
            }
        }
    }

    fun logout() {
        stopWatching()
        val connected = client
        client = null
        send(StaffEvent.LoggedOut)
        // The session ends here at once; telling the server may fail offline, which is fine.
        viewModelScope.launch {
            try {
                withContext(io) { connected?.logout() }
            } catch (_: GiliranException) {
            }
        }
    }

    fun messagesSeen() = send(StaffEvent.MessagesSeen)

    private suspend fun watch(counterId: String) {
        val connected = client ?: return
        stopWatching()
        watching = withContext(io) { connected.observeQueue(counterId, observer) }
    }

    private fun stopWatching() {
        watching?.stop()
        watching = null
    }

    private suspend fun guarded(block: suspend () -> Unit) {
        try {
            block()
        } catch (e: GiliranException) {
            val problem = ProblemPresenter(texts).problem(e)
            if (problem.signedOut) stopWatching()
            send(StaffEvent.Failed(problem))
        }
    }

    private fun send(event: StaffEvent) = model.update { StaffModel.update(it, event) }

    override fun onCleared() {
        stopWatching()
    }
}
