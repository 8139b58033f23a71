// The ticket screen: the number big enough to read at arm's length, its status, people ahead
// and the estimated wait, the counter to go to once called (in the call colours), and the
// offline note when what is shown is the last known state.
package id.giliran.patient.ui

import androidx.compose.foundation.layout.Arrangement
import androidx.compose.foundation.layout.Column
import androidx.compose.foundation.layout.fillMaxSize
import androidx.compose.foundation.layout.fillMaxWidth
import androidx.compose.foundation.layout.padding
import androidx.compose.foundation.rememberScrollState
import androidx.compose.foundation.verticalScroll
import androidx.compose.material3.AlertDialog
import androidx.compose.material3.Button
import androidx.compose.material3.Card
import androidx.compose.material3.CardDefaults
import androidx.compose.material3.MaterialTheme
import androidx.compose.material3.OutlinedButton
import androidx.compose.material3.Text
import androidx.compose.material3.TextButton
import androidx.compose.runtime.Composable
import androidx.compose.runtime.getValue
import androidx.compose.runtime.mutableStateOf
import androidx.compose.runtime.saveable.rememberSaveable
import androidx.compose.runtime.setValue
import androidx.compose.ui.Alignment
import androidx.compose.ui.Modifier
import androidx.compose.ui.res.stringResource
import androidx.compose.ui.semantics.LiveRegionMode
import androidx.compose.ui.semantics.contentDescription
import androidx.compose.ui.semantics.heading
import androidx.compose.ui.semantics.liveRegion
import androidx.compose.ui.semantics.semantics
import androidx.compose.ui.semantics.testTag
import androidx.compose.ui.text.font.FontWeight
import androidx.compose.ui.text.style.TextAlign
import androidx.compose.ui.unit.dp
import androidx.compose.ui.unit.sp
import id.giliran.patient.R
import id.giliran.shared.TicketScreen

/** Tags the UI tests find the parts by. */
object TicketTags {
    const val NUMBER = "ticket-number"
    const val STATUS = "ticket-status"
    const val COUNTER = "ticket-counter"
}

@Composable
fun TicketScreen(
    screen: TicketScreen,
    busy: Boolean,
    notificationsOff: Boolean,
    onAllowNotifications: () -> Unit,
    onCancel: () -> Unit,
    onNewTicket: () -> Unit,
    modifier: Modifier = Modifier,
) {
    var confirming by rememberSaveable { mutableStateOf(false) }
    Column(
        modifier = modifier.fillMaxSize().verticalScroll(rememberScrollState()).padding(24.dp),
        horizontalAlignment = Alignment.CenterHorizontally,
        verticalArrangement = Arrangement.spacedBy(16.dp),
    ) {
        screen.offlineNote?.let { Banner(it) }
        if (notificationsOff && !screen.finished) {
            Banner(stringResource(R.string.notifications_off)) {
                TextButton(onClick = onAllowNotifications) { Text(stringResource(R.string.notifications_allow)) }
            }
        }
        val colors = if (screen.called) {
            CardDefaults.cardColors(containerColor = CalledContainer, contentColor = OnCalledContainer)
        } else {
            CardDefaults.cardColors()
        }
        Card(colors = colors, modifier = Modifier.fillMaxWidth()) {
            Column(
                Modifier.fillMaxWidth().padding(24.dp),
                horizontalAlignment = Alignment.CenterHorizontally,
                verticalArrangement = Arrangement.spacedBy(8.dp),
            ) {
                Text(
                    screen.number,
                    fontSize = 88.sp,
                    fontWeight = FontWeight.Black,
                    modifier = Modifier.semantics {
                        heading()
                        contentDescription = screen.headline
                        testTag = TicketTags.NUMBER
                    },
                )
                Text(
                    screen.status,
                    style = MaterialTheme.typography.headlineSmall,
                    // A screen reader says a change of status without the patient touching anything.
                    modifier = Modifier.semantics {
                        liveRegion = LiveRegionMode.Polite
                        testTag = TicketTags.STATUS
                    },
                )
                screen.counter?.let { counter ->
                    Text(stringResource(R.string.go_to), style = MaterialTheme.typography.titleMedium)
                    Text(
                        counter,
                        style = MaterialTheme.typography.displaySmall,
                        fontWeight = FontWeight.Bold,
                        textAlign = TextAlign.Center,
                        modifier = Modifier.semantics {
                            liveRegion = LiveRegionMode.Assertive
                            testTag = TicketTags.COUNTER
                        },
                    )
                }
                if (screen.counter == null) {
                    screen.detail?.let { Text(it, style = MaterialTheme.typography.titleLarge, textAlign = TextAlign.Center) }
                }
                screen.eta?.let { Text(it, style = MaterialTheme.typography.titleMedium) }
            }
        }
        if (screen.cancellable) {
            OutlinedButton(onClick = { confirming = true }, enabled = !busy) { Text(stringResource(R.string.cancel_ticket)) }
        }
        if (screen.finished) {
            Button(onClick = onNewTicket) { Text(stringResource(R.string.new_ticket)) }
        }
    }
    if (confirming) {
        AlertDialog(
            onDismissRequest = { confirming = false },
            text = { Text(stringResource(R.string.cancel_ticket_confirm, screen.number)) },
            confirmButton = {
                TextButton(onClick = {
                    confirming = false
                    onCancel()
                }) { Text(stringResource(R.string.cancel_ticket)) }
            },
            dismissButton = { TextButton(onClick = { confirming = false }) { Text(stringResource(R.string.keep_ticket)) } },
        )
    }
}

@Composable
fun Banner(text: String, action: (@Composable () -> Unit)? = null) {
    Card(
        colors = CardDefaults.cardColors(containerColor = MaterialTheme.colorScheme.secondaryContainer),
        modifier = Modifier.fillMaxWidth(),
    ) {
        Column(Modifier.padding(12.dp)) {
            Text(text, style = MaterialTheme.typography.bodyMedium)
            action?.invoke()
        }
    }
}
