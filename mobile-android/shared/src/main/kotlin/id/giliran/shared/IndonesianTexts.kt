// The apps' composed sentences in Indonesian, the default language.
package id.giliran.shared

import uniffi.giliran_core.TicketStatus

object IndonesianTexts : Texts {
    override val language = Language.INDONESIAN

    override fun ticketHeadline(number: String) = "Nomor $number"

    override fun status(status: TicketStatus) = when (status) {
        TicketStatus.WAITING -> "Menunggu"
        TicketStatus.CALLED -> "Dipanggil"
        TicketStatus.DONE -> "Selesai"
        TicketStatus.SKIPPED -> "Dilewati"
        TicketStatus.CANCELLED -> "Dibatalkan"
        TicketStatus.TRANSFERRED -> "Dipindahkan"
        TicketStatus.EXPIRED -> "Kedaluwarsa"
    }

    override fun peopleAhead(count: Long) = if (count <= 0) "Anda berikutnya" else "$count orang di depan Anda"

    override val etaSoon = "Sebentar lagi"

    override fun etaMinutes(minutes: Long) = "Perkiraan ± $minutes menit"

    override fun etaHours(hours: Long, minutes: Long) =
        if (minutes == 0L) "Perkiraan ± $hours jam" else "Perkiraan ± $hours jam $minutes menit"

    override fun counterByNumber(number: Long) = "Loket $number"

    override fun goTo(counter: String?) = if (counter == null) "Silakan menuju loket" else "Silakan menuju $counter"

    override fun finished(status: TicketStatus) = when (status) {
        TicketStatus.DONE -> "Terima kasih, semoga lekas sembuh"
        TicketStatus.SKIPPED -> "Nomor Anda terlewat; silakan hubungi petugas"
        TicketStatus.CANCELLED -> "Antrean dibatalkan"
        TicketStatus.TRANSFERRED -> "Antrean Anda dipindahkan ke layanan lain"
        TicketStatus.EXPIRED -> "Antrean hari ini sudah berakhir"
        TicketStatus.WAITING, TicketStatus.CALLED -> status(status)
    }

    override val offline = "Tidak terhubung: menampilkan keadaan terakhir yang diketahui"

    override fun nearBody(peopleAhead: String) = "Giliran Anda sebentar lagi: $peopleAhead"

    override fun calledTitle(number: String, again: Boolean) =
        if (again) "${ticketHeadline(number)} dipanggil lagi" else "${ticketHeadline(number)} dipanggil"

    override fun transferredBody(from: String, to: String) = "Nomor $from dipindahkan; nomor baru Anda $to"

    override fun waiting(count: Long) = if (count <= 0) "Belum ada antrean" else "$count menunggu"

    override fun quotaLeft(count: Long) = "Sisa kuota hari ini: $count"

    override val closed = "Tutup hari ini"

    override fun outsideHours(opensAt: String?, closesAt: String?) =
        if (opensAt != null && closesAt != null) "Di luar jam layanan ($opensAt–$closesAt)" else "Di luar jam layanan"

    override val quotaUsedUp = "Kuota hari ini habis"

    override fun calledTo(number: String, counter: String) = "$number dipanggil ke $counter"

    override val nobodyWaiting = "Tidak ada pasien yang menunggu"

    override fun recalled(number: String) = "$number dipanggil ulang"

    override fun completed(number: String) = "$number selesai dilayani"

    override fun skipped(number: String) = "$number dilewati (tidak hadir)"

    override fun transferred(from: String, to: String) = "$from dipindahkan; nomor barunya $to"

    override val paused = "Loket dijeda: tidak memanggil pasien baru"

    override val resumed = "Loket dibuka kembali"

    override fun doneToday(count: Long) = "$count selesai hari ini"

    override fun skippedToday(count: Long) = "$count dilewati hari ini"

    override val staleQueue = "Terputus dari server: daftar mungkin tidak terbaru"

    override val errorNetwork = "Server tidak dapat dihubungi. Periksa Wi-Fi atau data seluler, lalu coba lagi."

    override val errorProtocol = "Jawaban server tidak dapat dibaca. Perbarui aplikasi ini."

    override val errorStorage = "Penyimpanan ponsel gagal. Kosongkan sebagian ruang, lalu coba lagi."

    override fun errorAddress(detail: String) = "Alamat server tidak dapat dipakai ($detail)"

    override fun errorApi(code: String, field: String?): String? = when (code) {
        "active_ticket_exists" -> "Anda sudah memegang nomor antrean yang masih aktif."
        "service_closed" -> "Layanan ini sedang tidak menerima antrean (tutup atau di luar jam layanan)."
        "quota_full" -> "Kuota hari ini sudah habis."
        "rate_limited" -> "Terlalu banyak permintaan. Tunggu sebentar lalu coba lagi."
        "invalid_field" -> when (field) {
            "phone" -> "Nomor telepon tidak valid."
            "name" -> "Nama tidak valid."
            else -> null
        }
        "invalid_credentials" -> "Nama pengguna atau kata sandi salah."
        "unauthorized" -> "Sesi Anda berakhir. Silakan masuk lagi."
        "forbidden" -> "Anda tidak berwenang melakukan ini."
        "counter_paused" -> "Loket sedang dijeda."
        "no_current_ticket" -> "Belum ada pasien yang dipanggil di loket ini."
        "invalid_transition" -> "Antrean ini tidak dapat diubah seperti itu lagi."
        "service_not_found" -> "Layanan itu sudah tidak ada."
        "counter_not_found" -> "Loket itu sudah tidak ada."
        "ticket_not_found" -> "Nomor antrean itu tidak ditemukan."
        "unavailable" -> "Server sedang sibuk. Coba lagi."
        "timeout" -> "Permintaan terlalu lama. Periksa dulu sebelum mengulang."
        else -> null
    }
}
