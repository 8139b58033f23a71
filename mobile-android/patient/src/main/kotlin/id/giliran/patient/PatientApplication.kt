// The patient app's process: owns the one PatientCore every screen and the tracking service use.
package id.giliran.patient

import android.app.Application
import id.giliran.patient.tracking.Notifications

class PatientApplication : Application() {
    lateinit var core: PatientCore
        private set

    override fun onCreate() {
        super.onCreate()
        core = PatientCore(this)
        Notifications.createChannels(this)
    }
}

val android.content.Context.patientCore: PatientCore
    get() = (applicationContext as PatientApplication).core
