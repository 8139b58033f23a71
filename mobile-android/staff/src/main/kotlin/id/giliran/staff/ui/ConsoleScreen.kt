// The counter console, tablet-first: the current patient and the big action buttons on the
// left, the waiting list and today's counts on the right; on a phone, one column. Which buttons
// work comes from the shared StaffActions rules through ConsoleView.
package id.giliran.staff.ui

import androidx.compose.foundation.layout.Arrangement
import androidx.compose.foundation.layout.BoxWithConstraints
import androidx.compose.foundation.layout.Column
import androidx.compose.foundation.layout.ColumnScope
import androidx.compose.foundation.layout.Row
import androidx.compose.foundation.layout.fillMaxSize
import androidx.compose.foundation.layout.fillMaxWidth
import androidx.compose.foundation.layout.heightIn
import androidx.compose.foundation.layout.padding
import androidx.compose.foundation.rememberScrollState
import androidx.compose.foundation.verticalScroll
import androidx.compose.material3.AlertDialog
import androidx.compose.material3.Button
import androidx.compose.material3.ButtonDefaults
import androidx.compose.material3.Card
import androidx.compose.material3.CardDefaults
import androidx.compose.material3.FilledTonalButton
import androidx.compose.material3.HorizontalDivider
import androidx.compose.material3.ListItem
import androidx.compose.material3.MaterialTheme
import androidx.compose.material3.OutlinedButton
import androidx.compose.material3.Text
import androidx.compose.material3.TextButton
import androidx.compose.runtime.Composable
import androidx.compose.runtime.getValue
import androidx.compose.runtime.mutableStateOf
import androidx.compose.runtime.saveable.rememberSaveable
import androidx.compose.runtime.setValue
import androidx.compose.ui.Modifier
import androidx.compose.ui.platform.testTag
import androidx.compose.ui.res.stringResource
import androidx.compose.ui.text.font.FontWeight
import androidx.compose.ui.unit.dp
import androidx.compose.ui.unit.sp
import id.giliran.shared.ConsoleView
import id.giliran.shared.StaffAction
import id.giliran.staff.R

/** Tags the UI tests find the parts by. */
object ConsoleTags {
    const val CURRENT = "console-current"
    const val WAITING = "console-waiting"
}

/** Wider than this, the console splits in two columns (a tablet, or a phone held sideways). */
private val TwoColumns = 720.dp

@Composable
fun ConsoleScreen(view: ConsoleView, onAction: (StaffAction, String?) -> Unit, modifier: Modifier = Modifier) {
    var transferring by rememberSaveable { mutableStateOf(false) }
    BoxWithConstraints(modifier.fillMaxSize()) {
        if (maxWidth >= TwoColumns) {
            Row(Modifier.fillMaxSize().padding(24.dp), horizontalArrangement = Arrangement.spacedBy(24.dp)) {
                Column(Modifier.weight(3f).verticalScroll(rememberScrollState()), verticalArrangement = Arrangement.spacedBy(16.dp)) {
                    Notes(view)
                    Current(view)
                    Buttons(view, onAction, onTransfer = { transferring = true })
                }
                Column(Modifier.weight(2f), verticalArrangement = Arrangement.spacedBy(16.dp)) {
                    Waiting(view)
                }
            }
        } else {
            Column(
                Modifier.fillMaxSize().verticalScroll(rememberScrollState()).padding(16.dp),
                verticalArrangement = Arrangement.spacedBy(16.dp),
            ) {
                Notes(view)
                Current(view)
                Buttons(view, onAction, onTransfer = { transferring = true })
                Waiting(view)
            }
        }
    }
    val current = view.current
    if (transferring && current != null) {
        AlertDialog(
            onDismissRequest = { transferring = false },
            title = { Text(stringResource(R.string.transfer_to, current.number)) },
            text = {
                Column(verticalArrangement = Arrangement.spacedBy(8.dp)) {
                    view.transferTargets.forEach { service ->
                        OutlinedButton(
                            onClick = {
                                transferring = false
                                onAction(StaffAction.TRANSFER, service.id)
                            },
                            modifier = Modifier.fillMaxWidth().heightIn(min = 56.dp),
                        ) { Text("${service.code} · ${service.name}") }
                    }
                }
            },
            confirmButton = {},
            dismissButton = { TextButton(onClick = { transferring = false }) { Text(stringResource(R.string.cancel)) } },
        )
    }
}

@Composable
private fun Notes(view: ConsoleView) {
    listOfNotNull(view.staleNote, view.pausedNote).forEach { note ->
        Card(colors = CardDefaults.cardColors(containerColor = MaterialTheme.colorScheme.tertiaryContainer)) {
            Text(note, modifier = Modifier.padding(12.dp).fillMaxWidth(), style = MaterialTheme.typography.bodyLarge)
        }
    }
}

@Composable
private fun Current(view: ConsoleView) {
    Card(modifier = Modifier.fillMaxWidth()) {
        Column(Modifier.padding(24.dp).testTag(ConsoleTags.CURRENT), verticalArrangement = Arrangement.spacedBy(4.dp)) {
            Text(stringResource(R.string.current_ticket), style = MaterialTheme.typography.titleMedium)
            val current = view.current
            if (current == null) {
                Text(stringResource(R.string.nobody_called), style = MaterialTheme.typography.headlineMedium)
            } else {
                Text(current.number, fontSize = 72.sp, fontWeight = FontWeight.Black)
                current.service?.let { Text(it, style = MaterialTheme.typography.titleLarge) }
                current.patientName?.let { Text(it, style = MaterialTheme.typography.titleMedium) }
                if (current.recalls > 0) Text(stringResource(R.string.recalls, current.recalls.toInt()))
            }
        }
    }
}

@Composable
private fun Buttons(view: ConsoleView, onAction: (StaffAction, String?) -> Unit, onTransfer: () -> Unit) {
    val big = Modifier.fillMaxWidth().heightIn(min = 72.dp)
    val label = MaterialTheme.typography.titleLarge
    Button(
        onClick = { onAction(StaffAction.CALL_NEXT, null) },
        enabled = StaffAction.CALL_NEXT in view.enabled,
        modifier = Modifier.fillMaxWidth().heightIn(min = 96.dp),
    ) { Text(stringResource(R.string.call_next), style = MaterialTheme.typography.headlineSmall) }
    ButtonRow {
        FilledTonalButton({ onAction(StaffAction.RECALL, null) }, big.weight(1f), StaffAction.RECALL in view.enabled) {
            Text(stringResource(R.string.recall), style = label)
        }
        FilledTonalButton({ onAction(StaffAction.COMPLETE, null) }, big.weight(1f), StaffAction.COMPLETE in view.enabled) {
            Text(stringResource(R.string.complete), style = label)
        }
    }
    ButtonRow {
        FilledTonalButton(
            onClick = { onAction(StaffAction.SKIP, null) },
            modifier = big.weight(1f),
            enabled = StaffAction.SKIP in view.enabled,
            colors = ButtonDefaults.filledTonalButtonColors(containerColor = MaterialTheme.colorScheme.errorContainer),
        ) { Text(stringResource(R.string.skip), style = label) }
        FilledTonalButton(onTransfer, big.weight(1f), StaffAction.TRANSFER in view.enabled) {
            Text(stringResource(R.string.transfer), style = label)
        }
    }
    val pause = if (view.paused) StaffAction.RESUME else StaffAction.PAUSE
    OutlinedButton(onClick = { onAction(pause, null) }, enabled = pause in view.enabled, modifier = big) {
        Text(stringResource(if (view.paused) R.string.resume else R.string.pause), style = label)
    }
}

@Composable
private fun ButtonRow(content: @Composable androidx.compose.foundation.layout.RowScope.() -> Unit) {
    Row(Modifier.fillMaxWidth(), horizontalArrangement = Arrangement.spacedBy(12.dp), content = content)
}

@Composable
private fun ColumnScope.Waiting(view: ConsoleView) {
    Text(view.counts.joinToString(" · "), style = MaterialTheme.typography.titleMedium)
    Text(stringResource(R.string.waiting_list), style = MaterialTheme.typography.titleLarge)
    Card(Modifier.fillMaxWidth().testTag(ConsoleTags.WAITING)) {
        if (view.waiting.isEmpty()) {
            Text(stringResource(R.string.waiting_empty), modifier = Modifier.padding(16.dp))
        } else {
            Column {
                view.waiting.forEachIndexed { index, row ->
                    if (index > 0) HorizontalDivider()
                    ListItem(
                        headlineContent = { Text(row.number, fontWeight = FontWeight.Bold) },
                        supportingContent = { row.service?.let { Text(it) } },
                    )
                }
            }
        }
    }
}
