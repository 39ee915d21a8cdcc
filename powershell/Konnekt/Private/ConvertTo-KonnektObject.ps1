function ConvertTo-KonnektObject {
    <#
    .SYNOPSIS
    Turns a daemon result into a typed PowerShell object: PSTypeName for the format views,
    PascalCase property names like other Microsoft 365 modules, ISO dates as [DateTime].
    .DESCRIPTION
    Only the top level is renamed: nested values (a setting's value, a tenant entry) keep the
    daemon's names so they can be sent back unchanged. Date strings become UTC DateTime values on
    both PowerShell editions (PowerShell 7 converts them already, 5.1 does not).
    #>
    [CmdletBinding()]
    [OutputType([psobject])]
    param(
        [Parameter(Mandatory, ValueFromPipeline)]
        [AllowNull()]
        [object]$InputObject,

        [Parameter(Mandatory)]
        [string]$TypeName,

        [System.Collections.IDictionary]$Extra
    )
    process {
        if ($null -eq $InputObject) { return }
        $dateNames = @('startedAt', 'created', 'modified', 'expires', 'queuedAt', 'expiresAt', 'time')
        $out = [ordered]@{}
        foreach ($prop in $InputObject.PSObject.Properties) {
            $name = $prop.Name
            $pascal = $name.Substring(0, 1).ToUpperInvariant() + $name.Substring(1)
            $value = $prop.Value
            if ($dateNames -contains $name -and $value -is [string] -and $value) {
                $parsed = [DateTime]::MinValue
                if ([DateTime]::TryParse($value, [System.Globalization.CultureInfo]::InvariantCulture, [System.Globalization.DateTimeStyles]::RoundtripKind, [ref]$parsed)) {
                    $value = $parsed
                }
            }
            $out[$pascal] = $value
        }
        if ($Extra) {
            foreach ($key in $Extra.Keys) { $out[$key] = $Extra[$key] }
        }
        $object = [pscustomobject]$out
        $object.PSObject.TypeNames.Insert(0, $TypeName)
        $object
    }
}
