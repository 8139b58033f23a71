// The patient app's notification channels and the notifications it posts. Two channels: calls
// (high importance, sound and vibration, shown on the lock screen) and the quiet ongoing one the
// tracking service needs, so updating the people-ahead count never buzzes.
package id.giliran.patient.tracking

import android.app.Notification
import android.app.NotificationChannel
import android.app.NotificationManager
import android.app.PendingIntent
import android.content.Context
import android.content.Intent
import android.media.AudioAttributes
import android.media.RingtoneManager
import androidx.core.app.NotificationCompat
import androidx.core.app.NotificationManagerCompat
import id.giliran.patient.MainActivity
import id.giliran.patient.R
import id.giliran.shared.TicketNotification

object Notifications {
    const val CALLS_CHANNEL = "calls"
    const val TRACKING_CHANNEL = "tracking"
    const val ONGOING_ID = 1
    private const val CALL_ID = 2

    /** A call is a short, unmistakable pattern: on phones in a pocket in a noisy waiting room. */
    private val CALL_VIBRATION = longArrayOf(0, 600, 250, 600, 250, 600)

    /** Creates (or renames, after a language change) both channels; safe to call at every start. */
    fun createChannels(context: Context) {
        val calls = NotificationChannel(
            CALLS_CHANNEL,
            context.getString(R.string.channel_calls_name),
            NotificationManager.IMPORTANCE_HIGH,
        ).apply {
            description = context.getString(R.string.channel_calls_description)
            enableVibration(true)
            vibrationPattern = CALL_VIBRATION
            setSound(
                RingtoneManager.getDefaultUri(RingtoneManager.TYPE_NOTIFICATION),
                AudioAttributes.Builder()
                    .setUsage(AudioAttributes.USAGE_NOTIFICATION_EVENT)
                    .setContentType(AudioAttributes.CONTENT_TYPE_SONIFICATION)
                    .build(),
            )
            lockscreenVisibility = Notification.VISIBILITY_PUBLIC
        }
        val tracking = NotificationChannel(
            TRACKING_CHANNEL,
            context.getString(R.string.channel_tracking_name),
            NotificationManager.IMPORTANCE_LOW,
        ).apply {
            description = context.getString(R.string.channel_tracking_description)
            setShowBadge(false)
            lockscreenVisibility = Notification.VISIBILITY_PUBLIC
        }
        NotificationManagerCompat.from(context).createNotificationChannels(listOf(calls, tracking))
    }

    /** The tracking service's ongoing notification: the ticket at a glance, silent. */
    fun ongoing(context: Context, content: TicketNotification): Notification =
        NotificationCompat.Builder(context, TRACKING_CHANNEL)
            .setSmallIcon(R.drawable.ic_notification)
            .setContentTitle(content.title)
            .setContentText(content.body)
            .setContentIntent(openApp(context))
            .setOngoing(true)
            .setOnlyAlertOnce(true)
            .setVisibility(NotificationCompat.VISIBILITY_PUBLIC)
            .setCategory(NotificationCompat.CATEGORY_STATUS)
            .build()

    /**
     * Posts a notice. Urgent ones ring on the calls channel; the end of a visit goes quietly on
     * the tracking channel. Without the notification permission this posts nothing, which is the
     * user's choice (the ticket screen says so).
     */
    fun post(context: Context, content: TicketNotification) {
        val manager = NotificationManagerCompat.from(context)
        if (!manager.areNotificationsEnabled()) return
        val builder = NotificationCompat.Builder(context, if (content.urgent) CALLS_CHANNEL else TRACKING_CHANNEL)
            .setSmallIcon(R.drawable.ic_notification)
            .setContentTitle(content.title)
            .setContentText(content.body)
            .setStyle(NotificationCompat.BigTextStyle().bigText(content.body))
            .setContentIntent(openApp(context))
            .setAutoCancel(true)
            // Numbers and counters are not private: the waiting-room display shows them too.
            .setVisibility(NotificationCompat.VISIBILITY_PUBLIC)
            .setCategory(if (content.urgent) NotificationCompat.CATEGORY_EVENT else NotificationCompat.CATEGORY_STATUS)
            .setPriority(if (content.urgent) NotificationCompat.PRIORITY_HIGH else NotificationCompat.PRIORITY_DEFAULT)
        try {
            // One call notification at a time: a recall replaces the call instead of stacking.
            manager.notify(CALL_ID, builder.build())
        } catch (_: SecurityException) {
            // The permission was withdrawn between the check and the post.
        }
    }

    private fun openApp(context: Context): PendingIntent =
        PendingIntent.getActivity(
            context,
            0,
            Intent(context, MainActivity::class.java).addFlags(Intent.FLAG_ACTIVITY_SINGLE_TOP),
            PendingIntent.FLAG_IMMUTABLE or PendingIntent.FLAG_UPDATE_CURRENT,
        )
}
