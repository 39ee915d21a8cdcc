function Read-KonnektMessage {
    <#
    .SYNOPSIS
    Reads one Content-Length framed message from a connection and returns its JSON text.
    .DESCRIPTION
    Reads the ASCII headers up to the blank line, then exactly Content-Length bytes, decoded as
    UTF-8. Bytes beyond the message stay in the connection's buffer for the next call. Waits in
    short slices so Ctrl+C stays responsive, and fails with `timeout` at the deadline and with
    `daemonUnavailable` when the daemon closes the connection.
    The connection is a hashtable: Stream, Buffer (MemoryStream), Chunk (byte[]), Pending (the
    read in flight, kept across calls so no bytes are lost when a wait slice ends).
    #>
    [CmdletBinding()]
    [OutputType([string])]
    param(
        [Parameter(Mandatory)]
        [hashtable]$Connection,

        [Parameter(Mandatory)]
        [DateTime]$Deadline,

        [string]$Method = ''
    )
    # Latin-1 maps each byte to one char, so string indexes are byte offsets.
    $latin1 = [System.Text.Encoding]::GetEncoding(28591)
    $utf8 = [System.Text.UTF8Encoding]::new($false, $true)
    while ($true) {
        $buffer = $Connection.Buffer
        $length = [int]$buffer.Length
        if ($length -gt 0) {
            $bytes = $buffer.GetBuffer()
            $scan = [System.Math]::Min($length, $script:KonnektMaxHeaderBytes + 4)
            $text = $latin1.GetString($bytes, 0, $scan)
            $end = $text.IndexOf("`r`n`r`n", [System.StringComparison]::Ordinal)
            if ($end -lt 0 -and $length -gt $script:KonnektMaxHeaderBytes) {
                throw (ConvertTo-KonnektErrorRecord -Code 'protocolError' -Message 'The daemon sent a message header longer than 8 KiB.')
            }
            if ($end -ge 0) {
                $contentLength = -1
                foreach ($line in ($text.Substring(0, $end) -split "`r`n")) {
                    if ($line -match '^\s*Content-Length\s*:\s*(\d+)\s*$') { $contentLength = [long]$Matches[1] }
                }
                if ($contentLength -lt 0) {
                    throw (ConvertTo-KonnektErrorRecord -Code 'protocolError' -Message 'The daemon sent a message without a Content-Length header.')
                }
                if ($contentLength -gt $script:KonnektMaxMessageBytes) {
                    throw (ConvertTo-KonnektErrorRecord -Code 'protocolError' -Message "The daemon sent a message of $contentLength bytes, more than the 4 MiB limit.")
                }
                $total = $end + 4 + [int]$contentLength
                if ($length -ge $total) {
                    $json = $utf8.GetString($bytes, $end + 4, [int]$contentLength)
                    $rest = [System.IO.MemoryStream]::new()
                    $rest.Write($bytes, $total, $length - $total)
                    $Connection.Buffer = $rest
                    return $json
                }
            }
        }
        if ($null -eq $Connection.Pending) {
            $Connection.Pending = $Connection.Stream.ReadAsync($Connection.Chunk, 0, $Connection.Chunk.Length)
        }
        $remaining = ($Deadline - [DateTime]::UtcNow).TotalMilliseconds
        if ($remaining -le 0) {
            $what = if ($Method) { "to $Method" } else { '' }
            throw (ConvertTo-KonnektErrorRecord -Code 'timeout' -Message "The Konnekt daemon did not answer $what in time.".Replace('  ', ' '))
        }
        $slice = [int][System.Math]::Min([double]250, [System.Math]::Ceiling($remaining))
        if (-not $Connection.Pending.Wait($slice)) { continue }
        $read = $Connection.Pending.Result
        $Connection.Pending = $null
        if ($read -le 0) {
            throw (ConvertTo-KonnektErrorRecord -Code 'daemonUnavailable' -Message 'The Konnekt daemon closed the connection before it answered (did it stop?).')
        }
        [void]$Connection.Buffer.Seek(0, [System.IO.SeekOrigin]::End)
        $Connection.Buffer.Write($Connection.Chunk, 0, $read)
    }
}
