// The staff app's Material 3 theme: indigo, fixed rather than dynamic, so every desk in the
// hospital looks the same whatever tablet it runs on.
package id.giliran.staff.ui

import androidx.compose.foundation.isSystemInDarkTheme
import androidx.compose.material3.MaterialTheme
import androidx.compose.material3.darkColorScheme
import androidx.compose.material3.lightColorScheme
import androidx.compose.runtime.Composable
import androidx.compose.ui.graphics.Color

private val Light = lightColorScheme(
    primary = Color(0xFF283593),
    secondary = Color(0xFF00897B),
    tertiary = Color(0xFFEF6C00),
)
private val Dark = darkColorScheme(
    primary = Color(0xFF9FA8DA),
    secondary = Color(0xFF80CBC4),
    tertiary = Color(0xFFFFB74D),
)

@Composable
fun StaffTheme(dark: Boolean = isSystemInDarkTheme(), content: @Composable () -> Unit) {
    MaterialTheme(colorScheme = if (dark) Dark else Light, content = content)
}
