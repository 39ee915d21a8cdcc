# Static checks of the module source (PSScriptAnalyzer is not available here, so the rules that
# matter are written out): manifest, one function per file, help, verbs, ShouldProcess, style,
# and the safety rules for the test code itself.
BeforeDiscovery {
    $root = (Resolve-Path -LiteralPath (Join-Path -Path $PSScriptRoot -ChildPath '../../..')).Path
    $moduleDir = Join-Path -Path $root -ChildPath 'powershell/Konnekt'
    $script:publicNames = @(Get-ChildItem -LiteralPath (Join-Path -Path $moduleDir -ChildPath 'Public') -Filter '*.ps1' | ForEach-Object { @{ Name = $_.BaseName } })
    $script:sourceFiles = @(Get-ChildItem -LiteralPath $moduleDir -Recurse -File -Include '*.ps1', '*.psm1', '*.psd1', '*.ps1xml', '*.txt' | ForEach-Object { @{ File = $_.FullName; Short = $_.FullName.Substring($root.Length + 1) } })
    $script:functionFiles = @(Get-ChildItem -LiteralPath $moduleDir -Recurse -File -Filter '*.ps1' | ForEach-Object { @{ File = $_.FullName; Short = $_.Name } })
}

BeforeAll {
    . (Join-Path -Path $PSScriptRoot -ChildPath '../Helpers/TestHelpers.ps1')
    $script:moduleDir = Join-Path -Path $KonnektRepoRoot -ChildPath 'powershell/Konnekt'
    Import-Module -Name $KonnektManifest -Force
    $script:manifest = Import-PowerShellDataFile -LiteralPath $KonnektManifest
    $script:approved = @(Get-Verb | ForEach-Object Verb)
    $script:parse = {
        param($path)
        $tokens = $null; $errors = $null
        $ast = [System.Management.Automation.Language.Parser]::ParseFile($path, [ref]$tokens, [ref]$errors)
        [pscustomobject]@{ Ast = $ast; Tokens = $tokens; Errors = $errors }
    }
}

Describe 'Manifest' {
    It 'is a valid module manifest' {
        { Test-ModuleManifest -Path $KonnektManifest -ErrorAction Stop } | Should -Not -Throw
    }
    It 'exports exactly the functions in Public/, and no cmdlets, aliases or variables' {
        $files = @(Get-ChildItem -LiteralPath (Join-Path -Path $moduleDir -ChildPath 'Public') -Filter '*.ps1' | ForEach-Object BaseName | Sort-Object)
        @($manifest.FunctionsToExport | Sort-Object) | Should -Be $files
        $manifest.ContainsKey('CmdletsToExport') | Should -BeTrue
        @($manifest.CmdletsToExport).Count | Should -Be 0
        @($manifest.AliasesToExport).Count | Should -Be 0
        @($manifest.VariablesToExport).Count | Should -Be 0
        @((Get-Module Konnekt).ExportedCommands.Keys | Sort-Object) | Should -Be $files
    }
    It 'supports Windows PowerShell 5.1 and PowerShell 7' {
        $manifest.PowerShellVersion | Should -Be '5.1'
        @($manifest.CompatiblePSEditions | Sort-Object) | Should -Be @('Core', 'Desktop')
    }
    It 'loads its format views and has a view for every PSTypeName the code emits' {
        $manifest.FormatsToProcess | Should -Contain 'Konnekt.format.ps1xml'
        [xml]$format = Get-Content -LiteralPath (Join-Path -Path $moduleDir -ChildPath 'Konnekt.format.ps1xml') -Raw
        $views = @($format.Configuration.ViewDefinitions.View | ForEach-Object { $_.ViewSelectedBy.TypeName })
        $emitted = Get-ChildItem -LiteralPath (Join-Path -Path $moduleDir -ChildPath 'Public') -Filter '*.ps1' |
            Select-String -Pattern "-TypeName '(Konnekt\.\w+)'" -AllMatches | ForEach-Object { $_.Matches } | ForEach-Object { $_.Groups[1].Value } | Sort-Object -Unique
        @($emitted).Count | Should -BeGreaterThan 10
        foreach ($type in $emitted) { $views | Should -Contain $type }
    }
    It 'turns StrictMode on in the root module' {
        Get-Content -LiteralPath (Join-Path -Path $moduleDir -ChildPath 'Konnekt.psm1') -Raw | Should -Match '(?m)^Set-StrictMode -Version'
    }
    It 'has an about_Konnekt help topic' {
        Join-Path -Path $moduleDir -ChildPath 'en-US/about_Konnekt.help.txt' | Should -Exist
    }
}

Describe 'Source file <Short>' -ForEach $sourceFiles {
    It 'is ASCII (Windows PowerShell 5.1 reads files without a BOM as ANSI)' {
        $bytes = [System.IO.File]::ReadAllBytes($File)
        @($bytes | Where-Object { $_ -gt 127 }).Count | Should -Be 0
    }
}

Describe 'Function file <Short>' -ForEach $functionFiles {
    BeforeAll { $script:parsed = & $parse $File }
    It 'parses without errors' {
        $parsed.Errors | Should -BeNullOrEmpty
    }
    It 'defines exactly one function, named like the file, and nothing else at top level' {
        $top = @($parsed.Ast.EndBlock.Statements)
        $top.Count | Should -Be 1
        $top[0] | Should -BeOfType [System.Management.Automation.Language.FunctionDefinitionAst]
        $top[0].Name | Should -Be ([System.IO.Path]::GetFileNameWithoutExtension($File))
        @($parsed.Ast.FindAll({ param($n) $n -is [System.Management.Automation.Language.FunctionDefinitionAst] }, $true)).Count | Should -Be 1
    }
    It 'uses no Write-Host, no aliases and no automatic-variable names as its own variables' {
        $commands = @($parsed.Ast.FindAll({ param($n) $n -is [System.Management.Automation.Language.CommandAst] }, $true) | ForEach-Object { $_.GetCommandName() } | Where-Object { $_ })
        $commands | Should -Not -Contain 'Write-Host'
        foreach ($name in $commands) {
            (Get-Alias -Name $name -ErrorAction SilentlyContinue) | Should -BeNullOrEmpty -Because "'$name' is an alias"
        }
        $assigned = @($parsed.Ast.FindAll({ param($n) $n -is [System.Management.Automation.Language.AssignmentStatementAst] }, $true) |
            ForEach-Object { $_.Left } | Where-Object { $_ -is [System.Management.Automation.Language.VariableExpressionAst] } | ForEach-Object { $_.VariablePath.UserPath })
        foreach ($bad in 'home', 'input', 'args', 'this', 'PSItem', 'matches', 'error', 'host', 'pid') {
            $assigned | Should -Not -Contain $bad
        }
    }
    It 'never assigns to one of its own parameters (a [switch] would swallow the value)' {
        $fn = $parsed.Ast.EndBlock.Statements[0]
        $paramNames = @($fn.Body.ParamBlock.Parameters | ForEach-Object { $_.Name.VariablePath.UserPath })
        $assigned = @($fn.FindAll({ param($n) $n -is [System.Management.Automation.Language.AssignmentStatementAst] }, $true) |
            ForEach-Object { $_.Left } | Where-Object { $_ -is [System.Management.Automation.Language.VariableExpressionAst] } | ForEach-Object { $_.VariablePath.UserPath })
        $allowed = @('Code', 'Message', 'Data', 'RpcCode')  # ConvertTo-KonnektErrorRecord fills these from -RpcError
        foreach ($name in $assigned) {
            if ($allowed -contains $name) { continue }
            $paramNames | Should -Not -Contain $name
        }
    }
    It 'does not remove files' {
        $commands = @($parsed.Ast.FindAll({ param($n) $n -is [System.Management.Automation.Language.CommandAst] }, $true) | ForEach-Object { $_.GetCommandName() })
        $commands | Should -Not -Contain 'Remove-Item'
    }
}

Describe 'Exported command <Name>' -ForEach $publicNames {
    BeforeAll {
        $script:command = Get-Command -Name $Name -Module Konnekt
        $script:help = Get-Help -Name $Name -Full
        $script:common = @([System.Management.Automation.PSCmdlet]::CommonParameters) + @([System.Management.Automation.PSCmdlet]::OptionalCommonParameters)
    }
    It 'uses an approved verb and a singular Konnekt noun' {
        $approved | Should -Contain $command.Verb
        $command.Noun | Should -BeLike 'Konnekt*'
        $command.Noun | Should -Not -Match '[^su]s$'   # Status is singular; Drives would not be
    }
    It 'is an advanced function with an OutputType' {
        $command.CmdletBinding | Should -BeTrue
        $command.OutputType.Count | Should -BeGreaterThan 0
    }
    It 'has help with a synopsis, a description and an example' {
        $help.Synopsis | Should -Not -BeNullOrEmpty
        $help.Synopsis | Should -Not -Match "^\s*$Name\s*\["   # PowerShell's generated syntax means no help was found
        ($help.Description | Out-String).Trim() | Should -Not -BeNullOrEmpty
        @($help.Examples.Example).Count | Should -BeGreaterThan 0
        ($help.Examples.Example[0].Code) | Should -Match $Name
    }
    It 'documents every parameter' {
        foreach ($p in $command.Parameters.Keys) {
            if ($common -contains $p) { continue }
            $doc = $help.Parameters.Parameter | Where-Object Name -eq $p
            ($doc.Description | Out-String).Trim() | Should -Not -BeNullOrEmpty -Because "-$p needs a .PARAMETER entry"
        }
    }
    It 'supports ShouldProcess when it changes state' {
        $changing = @('Start', 'Stop', 'Connect', 'Disconnect', 'Mount', 'Dismount', 'Restore', 'New', 'Clear', 'Add', 'Remove', 'Set', 'Reset')
        if ($changing -contains $command.Verb) {
            $command.Parameters.Keys | Should -Contain 'WhatIf'
            $command.ScriptBlock.Ast.Body.Extent.Text | Should -Match '\$PSCmdlet\.ShouldProcess\('
        } else {
            $command.Parameters.Keys | Should -Not -Contain 'WhatIf'
        }
    }
    It 'talks to the daemon only through Invoke-KonnektRpc' {
        $text = $command.ScriptBlock.Ast.Extent.Text
        $text | Should -Not -Match 'NamedPipeClientStream|System\.Net\.Sockets'
    }
}

Describe 'Worked examples (docs/examples)' {
    It '<_> parses and uses only commands the module exports' -ForEach @('citrix-logon.ps1', 'citrix-logoff.ps1') {
        $parsed = & $parse (Join-Path -Path $KonnektRepoRoot -ChildPath "docs/examples/$_")
        $parsed.Errors | Should -BeNullOrEmpty
        $used = @($parsed.Ast.FindAll({ param($n) $n -is [System.Management.Automation.Language.CommandAst] }, $true) | ForEach-Object { $_.GetCommandName() } | Where-Object { $_ -like '*-Konnekt*' } | Sort-Object -Unique)
        $used.Count | Should -BeGreaterThan 2
        foreach ($name in $used) { $manifest.FunctionsToExport | Should -Contain $name }
    }
}

Describe 'Test code safety' {
    It 'never names a variable home and deletes recursively only through Remove-KonnektTestDirectory' {
        $files = Get-ChildItem -LiteralPath (Join-Path -Path $KonnektRepoRoot -ChildPath 'test/powershell') -Recurse -File -Filter '*.ps1'
        foreach ($f in $files) {
            $parsed = & $parse $f.FullName
            $vars = @($parsed.Ast.FindAll({ param($n) $n -is [System.Management.Automation.Language.VariableExpressionAst] }, $true) | ForEach-Object { $_.VariablePath.UserPath })
            ($vars | Where-Object { $_ -match '^(script:|global:)?home$' }) | Should -BeNullOrEmpty -Because "$($f.Name) must not use `$home"
            $removes = @($parsed.Ast.FindAll({ param($n) $n -is [System.Management.Automation.Language.CommandAst] -and $n.GetCommandName() -in @('Remove-Item', 'rm', 'del', 'rmdir') }, $true))
            foreach ($r in $removes) {
                $inHelper = $f.Name -eq 'TestHelpers.ps1' -and $r.Extent.Text -eq 'Remove-Item -LiteralPath $full -Recurse -Force'
                if ($r.Extent.Text -match '-Recurse|-r\b') { $inHelper | Should -BeTrue -Because "$($f.Name): $($r.Extent.Text)" }
            }
        }
    }
}
