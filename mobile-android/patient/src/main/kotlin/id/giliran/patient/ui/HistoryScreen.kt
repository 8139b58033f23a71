// The tickets taken on this phone, newest first, as last known: kept by the core's local
// store, so the list is there offline too.
package id.giliran.patient.ui

import androidx.compose.foundation.layout.Box
import androidx.compose.foundation.layout.fillMaxSize
import androidx.compose.foundation.layout.padding
import androidx.compose.foundation.lazy.LazyColumn
import androidx.compose.foundation.lazy.items
import androidx.compose.material3.HorizontalDivider
import androidx.compose.material3.ListItem
import androidx.compose.material3.MaterialTheme
import androidx.compose.material3.Text
import androidx.compose.runtime.Composable
import androidx.compose.ui.Alignment
import androidx.compose.ui.Modifier
import androidx.compose.ui.res.stringResource
import androidx.compose.ui.text.font.FontWeight
import androidx.compose.ui.unit.dp
import id.giliran.patient.R
import id.giliran.shared.TicketScreen

@Composable
fun HistoryScreen(tickets: List<TicketScreen>, modifier: Modifier = Modifier) {
    if (tickets.isEmpty()) {
        Box(modifier.fillMaxSize().padding(24.dp), contentAlignment = Alignment.Center) {
            Text(stringResource(R.string.history_empty), style = MaterialTheme.typography.bodyLarge)
        }
        return
    }
    LazyColumn(modifier.fillMaxSize()) {
        items(tickets) { ticket ->
            ListItem(
                headlineContent = { Text(ticket.number, fontWeight = FontWeight.Bold) },
                supportingContent = { ticket.detail?.let { Text(it) } },
                trailingContent = { Text(ticket.status) },
            )
            HorizontalDivider()
        }
    }
}
