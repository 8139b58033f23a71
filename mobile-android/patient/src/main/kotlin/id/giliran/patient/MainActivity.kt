// The patient app's only activity: draws PatientApp edge to edge with its ViewModel.
package id.giliran.patient

import android.os.Bundle
import androidx.activity.ComponentActivity
import androidx.activity.compose.setContent
import androidx.activity.enableEdgeToEdge
import androidx.lifecycle.viewmodel.compose.viewModel
import id.giliran.patient.ui.PatientApp
import id.giliran.patient.ui.PatientTheme

class MainActivity : ComponentActivity() {
    override fun onCreate(savedInstanceState: Bundle?) {
        super.onCreate(savedInstanceState)
        enableEdgeToEdge()
        val core = patientCore
        setContent {
            PatientTheme {
                PatientApp(viewModel { PatientViewModel(core) })
            }
        }
    }
}
