# The real transport (Invoke-KonnektRpc) against a scripted peer on a real Unix socket:
# framing, UTF-8, notifications while waiting, server requests, errors, timeouts, cancellation.
BeforeAll {
    . (Join-Path -Path $PSScriptRoot -ChildPath '../Helpers/TestHelpers.ps1')
    Import-Module -Name $KonnektManifest -Force
    Set-StrictMode -Version 3.0
    $script:saved = Save-KonnektEnvironment
    $script:dir = New-KonnektTestDirectory -Purpose 'rpc'
    $script:socket = Join-Path -Path $dir -ChildPath 'fake.sock'
    $info = [System.Diagnostics.ProcessStartInfo]::new()
    $info.FileName = (Get-Command -Name node -CommandType Application | Select-Object -First 1).Source
    $info.Arguments = '"{0}" "{1}"' -f (Join-Path -Path $PSScriptRoot -ChildPath '../Helpers/fake-daemon.mjs'), $socket
    $info.UseShellExecute = $false
    $info.RedirectStandardOutput = $true
    # stdin open: the fake exits when this test process goes away, even if AfterAll never runs.
    $info.RedirectStandardInput = $true
    $script:fake = [System.Diagnostics.Process]::Start($info)
    $ready = $fake.StandardOutput.ReadLineAsync()
    if (-not $ready.Wait(30000) -or $ready.Result -ne 'ready') { throw 'the fake daemon did not start' }
    $env:KONNEKT_ENDPOINT = $socket
    $script:rpc = { param($method, $params, $timeout = 10) & (Get-Module Konnekt) { param($m, $p, $t) Invoke-KonnektRpc -Method $m -Params $p -TimeoutSeconds $t } $method $params $timeout }
}

AfterAll {
    Restore-KonnektEnvironment -Saved $script:saved
    if ($script:fake) {
        if (-not $fake.HasExited) { $fake.Kill(); $null = $fake.WaitForExit(10000) }
        $fake.Dispose()
    }
    Remove-KonnektTestDirectory -Path $script:dir
}

Describe 'Invoke-KonnektRpc framing' {
    It 'sends a JSON-RPC 2.0 request with by-name params and returns the result' {
        $r = & $rpc 'test.echo' ([ordered]@{ key = 'logLevel'; n = 3; list = @('a'); flag = $true; nothing = $null })
        $r.params.key | Should -Be 'logLevel'
        $r.params.n | Should -Be 3
        @($r.params.list) | Should -Be @('a')
        $r.params.flag | Should -BeTrue
        $r.params.PSObject.Properties['nothing'] | Should -Not -BeNullOrEmpty
        $seen = (& $rpc 'test.received' @{}).messages | Where-Object { $_.PSObject.Properties['method'] -and $_.method -eq 'test.echo' } | Select-Object -Last 1
        $seen.jsonrpc | Should -Be '2.0'
        $seen.id | Should -BeGreaterThan 0
    }
    It 'counts Content-Length in UTF-8 bytes, both ways, across split writes' {
        $r = & $rpc 'test.echo' @{ text = 'Grüße 😀 Ωmega' }
        $r.params.text | Should -Be 'Grüße 😀 Ωmega'
        (& $rpc 'test.split' @{}).text | Should -Be 'Grüße 😀 Ωmega'
    }
    It 'waits without a deadline when the timeout is 0' {
        (& $rpc 'test.echo' @{ a = 1 } 0).params.a | Should -Be 1
    }
    It 'reads a body larger than one read chunk' {
        (& $rpc 'test.big' @{ size = 300000 }).text.Length | Should -Be 300000
    }
    It 'handles notifications that arrive while it waits, and ignores answers to other ids' {
        Mock -ModuleName Konnekt Write-Progress { }
        $warnings = $null
        $r = & (Get-Module Konnekt) { Invoke-KonnektRpc -Method 'test.notify' -WarningVariable w -WarningAction SilentlyContinue -Verbose 4>$null; $w } 
        $result, $rest = $r
        $result.ok | Should -BeTrue
        $result.PSObject.Properties['wrong'] | Should -BeNullOrEmpty
        $warnings = @($rest | ForEach-Object { "$_" })
        $warnings.Count | Should -Be 3
        $warnings[0] | Should -BeLike "*contoso*ABCD-1234*"
        $warnings[1] | Should -BeLike "*contoso/s/l/a.txt*The site is full.*"
        $warnings[2] | Should -BeLike "*b (conflict).txt*"
        Should -Invoke -ModuleName Konnekt Write-Progress -Times 1 -Exactly -ParameterFilter { $Activity -eq 'Uploading' -and $PercentComplete -eq 25 -and -not $Completed }
        Should -Invoke -ModuleName Konnekt Write-Progress -Times 1 -Exactly -ParameterFilter { $Completed }
    }
    It 'answers a request from the daemon with method not found, then gets its own answer' {
        (& $rpc 'test.serverRequest' @{}).clientAnswered | Should -Be -32601
    }
}

Describe 'Invoke-KonnektRpc failures' {
    It 'throws the daemon error as a Konnekt ErrorRecord' {
        $err = $null
        try { & $rpc 'test.error' @{ error = @{ code = -32020; message = 'links.scope is set by machine policy.'; data = @{ code = 'policyLocked'; key = 'links.scope' } } } } catch { $err = $_ }
        $err.FullyQualifiedErrorId | Should -BeLike 'Konnekt.policyLocked*'
        $err.CategoryInfo.Category | Should -Be 'PermissionDenied'
        $err.Exception.Message | Should -Be 'links.scope is set by machine policy.'
    }
    It 'reports an error answered with id null (the daemon could not read the request)' {
        $err = $null
        try { & $rpc 'test.nullIdError' @{} } catch { $err = $_ }
        $err.FullyQualifiedErrorId | Should -BeLike 'Konnekt.protocolError*'
        $err.Exception.Message | Should -BeLike '*8 KiB*'
    }
    It 'gives up at the timeout with OperationTimeout and cancels the request' {
        $err = $null
        try { & $rpc 'test.silent' @{} 1 } catch { $err = $_ }
        $err.FullyQualifiedErrorId | Should -BeLike 'Konnekt.timeout*'
        $err.CategoryInfo.Category | Should -Be 'OperationTimeout'
        $silentId = ((& $rpc 'test.received' @{}).messages | Where-Object { $_.PSObject.Properties['method'] -and $_.method -eq 'test.silent' } | Select-Object -Last 1).id
        # The cancel was written before the socket closed; the fake may read it a moment later.
        $deadline = [DateTime]::UtcNow.AddSeconds(20)
        do {
            $cancel = (& $rpc 'test.received' @{}).messages | Where-Object { $_.PSObject.Properties['method'] -and $_.method -eq '$/cancelRequest' -and $_.params.id -eq $silentId }
            if (-not $cancel) { Start-Sleep -Milliseconds 50 }
        } while (-not $cancel -and [DateTime]::UtcNow -lt $deadline)
        $cancel | Should -Not -BeNullOrEmpty
    }
    It 'reports a dropped connection as daemonUnavailable' {
        $err = $null
        try { & $rpc 'test.close' @{} } catch { $err = $_ }
        $err.FullyQualifiedErrorId | Should -BeLike 'Konnekt.daemonUnavailable*'
        $err.Exception.Message | Should -BeLike '*closed the connection*'
    }
    It 'reports a message without Content-Length as a protocol error' {
        $err = $null
        try { & $rpc 'test.garbage' @{} 5 } catch { $err = $_ }
        $err.FullyQualifiedErrorId | Should -BeLike 'Konnekt.protocolError*'
        $err.CategoryInfo.Category | Should -Be 'ProtocolError'
    }
}

Describe 'Get-KonnektEndpoint (docs/rpc.md section 1)' {
    BeforeEach { $script:envBefore = Save-KonnektEnvironment }
    AfterEach { Restore-KonnektEnvironment -Saved $script:envBefore }
    It 'uses KONNEKT_ENDPOINT verbatim' {
        $env:KONNEKT_ENDPOINT = '/some/where/k.sock'
        & (Get-Module Konnekt) { Get-KonnektEndpoint } | Should -Be '/some/where/k.sock'
    }
    It 'uses $XDG_RUNTIME_DIR/konnekt/konnekt.sock when XDG_RUNTIME_DIR is absolute' -Tag 'Unix' {
        $env:KONNEKT_ENDPOINT = $null
        $env:XDG_RUNTIME_DIR = '/run/user/1234'
        & (Get-Module Konnekt) { Get-KonnektEndpoint } | Should -Be '/run/user/1234/konnekt/konnekt.sock'
    }
    It 'falls back to ${TMPDIR:-/tmp}/CoreFxPipe_konnekt-UID (a relative XDG_RUNTIME_DIR is ignored)' -Tag 'Unix' {
        $env:KONNEKT_ENDPOINT = $null
        $env:XDG_RUNTIME_DIR = 'relative/dir'
        $env:TMPDIR = '/var/tmp/x/'
        & (Get-Module Konnekt) { Get-KonnektEndpoint } | Should -Be "/var/tmp/x/CoreFxPipe_konnekt-$((& id -u).Trim())"
        $env:TMPDIR = $null
        & (Get-Module Konnekt) { Get-KonnektEndpoint } | Should -Be "/tmp/CoreFxPipe_konnekt-$((& id -u).Trim())"
    }
    It 'agrees with the daemon, which computes the same rules in Node' -Tag 'Unix' {
        $node = { & node --input-type=module -e "import { defaultEndpoint } from '$KonnektRepoRoot/dist/daemon/rpc/endpoint.js'; console.log(defaultEndpoint().path)" }
        $env:KONNEKT_ENDPOINT = $null
        $env:XDG_RUNTIME_DIR = $null
        $env:TMPDIR = $script:dir
        & (Get-Module Konnekt) { Get-KonnektEndpoint } | Should -Be (& $node)
        # The path .NET itself derives from the bare pipe name is the same place.
        [System.IO.Path]::Combine($script:dir, "CoreFxPipe_konnekt-$((& id -u).Trim())") | Should -Be (& $node)
        $env:XDG_RUNTIME_DIR = '/run/user/4242'
        & (Get-Module Konnekt) { Get-KonnektEndpoint } | Should -Be (& $node)
    }
}
