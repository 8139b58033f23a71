// Follows the active ticket while the app is in the background: a foreground service holding
// the core's track observer, updating a quiet ongoing notification and ringing on the calls
// channel when the turn is near and when the patient is called. It stops when the visit ends.
package id.giliran.patient.tracking

import android.app.Service
import android.content.Context
import android.content.Intent
import android.content.pm.ServiceInfo
import android.os.Build
import android.os.IBinder
import android.util.Log
import androidx.core.app.ServiceCompat
import id.giliran.patient.R
import id.giliran.patient.patientCore
import id.giliran.shared.TicketNotification
import id.giliran.shared.TicketPresenter
import kotlinx.coroutines.CoroutineScope
import kotlinx.coroutines.Dispatchers
import kotlinx.coroutines.Job
import kotlinx.coroutines.MainScope
import kotlinx.coroutines.cancel
import kotlinx.coroutines.launch
import kotlinx.coroutines.withContext
import uniffi.giliran_core.GiliranException
import uniffi.giliran_core.Tracking

class TicketTrackingService : Service() {
    private val scope: CoroutineScope = MainScope()
    private var tracking: Tracking? = null
    private var followed: String? = null
    private var starting: Job? = null

    override fun onBind(intent: Intent?): IBinder? = null

    override fun onCreate() {
        super.onCreate()
        val core = patientCore
        // Collected on the main thread: this is where the core's thread is left behind.
        scope.launch {
            core.feed.events.collect { event ->
                val presenter = TicketPresenter(core.texts)
                when (event) {
                    is TrackerEvent.Ticket -> {
                        val ended = presenter.visitEnded(event.ticket)
                        if (ended != null) {
                            Notifications.post(this@TicketTrackingService, ended)
                            stopFollowing()
                        } else {
                            showOngoing(presenter.ongoing(event.ticket))
                        }
                    }
                    is TrackerEvent.Notice -> presenter.alert(event.notice)?.let {
                        Notifications.post(this@TicketTrackingService, it)
                    }
                }
            }
        }
    }

    override fun onStartCommand(intent: Intent?, flags: Int, startId: Int): Int {
        val ticketId = intent?.getStringExtra(EXTRA_TICKET_ID)
        if (ticketId == null) {
            stopSelf(startId)
            return START_NOT_STICKY
        }
        // Within seconds of the start, or Android stops the app: show the ticket's last known
        // state at once, before the core has said anything.
        val known = patientCore.feed.ticket.value?.takeIf { it.id == ticketId }
        showOngoing(known?.let { TicketPresenter(patientCore.texts).ongoing(it) } ?: placeholder())
        if (ticketId != followed) start(ticketId)
        return START_REDELIVER_INTENT
    }

    private fun start(ticketId: String) {
        followed = ticketId
        tracking?.stop()
        tracking = null
        starting?.cancel()
        val core = patientCore
        core.feed.reset()
        starting = scope.launch {
            try {
                // Opening the client may open its store: not on the main thread.
                tracking = withContext(Dispatchers.IO) { core.client()?.track(ticketId, core.feed) }
                if (tracking == null) stopFollowing()
            } catch (e: GiliranException) {
                // A ticket this phone does not hold (another server's): nothing to follow.
                Log.w(TAG, "cannot follow ticket $ticketId", e)
                stopFollowing()
            }
        }
    }

    private fun stopFollowing() {
        tracking?.stop()
        tracking = null
        followed = null
        ServiceCompat.stopForeground(this, ServiceCompat.STOP_FOREGROUND_REMOVE)
        stopSelf()
    }

    private fun showOngoing(content: TicketNotification) {
        val type = if (Build.VERSION.SDK_INT >= Build.VERSION_CODES.UPSIDE_DOWN_CAKE) {
            ServiceInfo.FOREGROUND_SERVICE_TYPE_SPECIAL_USE
        } else {
            0
        }
        ServiceCompat.startForeground(this, Notifications.ONGOING_ID, Notifications.ongoing(this, content), type)
    }

    private fun placeholder() = TicketNotification(getString(R.string.ticket_title), "", urgent = false)

    override fun onDestroy() {
        tracking?.stop()
        tracking = null
        scope.cancel()
        super.onDestroy()
    }

    companion object {
        private const val TAG = "TicketTracking"
        private const val EXTRA_TICKET_ID = "ticket_id"

        fun intent(context: Context, ticketId: String): Intent =
            Intent(context, TicketTrackingService::class.java).putExtra(EXTRA_TICKET_ID, ticketId)
    }
}
